# Code generated from specs/openai/provider.yaml by `make generate`. DO NOT EDIT.
