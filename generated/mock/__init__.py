# Code generated from specs/mock/provider.yaml by `make generate`. DO NOT EDIT.
