# Code generated from specs/anthropic/provider.yaml by `make generate`. DO NOT EDIT.
