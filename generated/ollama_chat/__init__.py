# Code generated from specs/ollama_chat/provider.yaml by `make generate`. DO NOT EDIT.
