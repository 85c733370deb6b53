# Code generated from specs/nebius/provider.yaml by `make generate`. DO NOT EDIT.
