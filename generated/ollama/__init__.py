# Code generated from specs/ollama/provider.yaml by `make generate`. DO NOT EDIT.
