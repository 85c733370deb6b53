# Code generated from specs/featherless_ai/provider.yaml by `make generate`. DO NOT EDIT.
