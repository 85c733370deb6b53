# Code generated from specs/azure_ai/provider.yaml by `make generate`. DO NOT EDIT.
