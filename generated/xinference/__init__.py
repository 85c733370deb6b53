# Code generated from specs/xinference/provider.yaml by `make generate`. DO NOT EDIT.
