# Code generated from specs/lm_studio/provider.yaml by `make generate`. DO NOT EDIT.
