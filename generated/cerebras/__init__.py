# Code generated from specs/cerebras/provider.yaml by `make generate`. DO NOT EDIT.
