# Code generated from specs/openrouter/provider.yaml by `make generate`. DO NOT EDIT.
