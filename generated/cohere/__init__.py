# Code generated from specs/cohere/provider.yaml by `make generate`. DO NOT EDIT.
