# Code generated from specs/gemini/provider.yaml by `make generate`. DO NOT EDIT.
