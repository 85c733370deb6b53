# Code generated from specs/aiml/provider.yaml by `make generate`. DO NOT EDIT.
