# Code generated from specs/bedrock/provider.yaml by `make generate`. DO NOT EDIT.
