# Code generated from specs/mistral/provider.yaml by `make generate`. DO NOT EDIT.
