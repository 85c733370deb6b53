# Code generated from specs/sambanova/provider.yaml by `make generate`. DO NOT EDIT.
