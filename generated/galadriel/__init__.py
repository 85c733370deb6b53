# Code generated from specs/galadriel/provider.yaml by `make generate`. DO NOT EDIT.
