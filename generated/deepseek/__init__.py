# Code generated from specs/deepseek/provider.yaml by `make generate`. DO NOT EDIT.
