# Code generated from specs/friendliai/provider.yaml by `make generate`. DO NOT EDIT.
