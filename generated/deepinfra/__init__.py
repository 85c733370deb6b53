# Code generated from specs/deepinfra/provider.yaml by `make generate`. DO NOT EDIT.
