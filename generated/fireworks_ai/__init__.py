# Code generated from specs/fireworks_ai/provider.yaml by `make generate`. DO NOT EDIT.
