# Code generated from specs/novita/provider.yaml by `make generate`. DO NOT EDIT.
