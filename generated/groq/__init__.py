# Code generated from specs/groq/provider.yaml by `make generate`. DO NOT EDIT.
