# Code generated from specs/xai/provider.yaml by `make generate`. DO NOT EDIT.
