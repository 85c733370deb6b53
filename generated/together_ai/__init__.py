# Code generated from specs/together_ai/provider.yaml by `make generate`. DO NOT EDIT.
