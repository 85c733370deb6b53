# Code generated from specs/azure/provider.yaml by `make generate`. DO NOT EDIT.
