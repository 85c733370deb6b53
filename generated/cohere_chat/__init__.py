# Code generated from specs/cohere_chat/provider.yaml by `make generate`. DO NOT EDIT.
