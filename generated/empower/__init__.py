# Code generated from specs/empower/provider.yaml by `make generate`. DO NOT EDIT.
