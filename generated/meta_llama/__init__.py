# Code generated from specs/meta_llama/provider.yaml by `make generate`. DO NOT EDIT.
