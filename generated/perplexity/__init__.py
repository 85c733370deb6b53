# Code generated from specs/perplexity/provider.yaml by `make generate`. DO NOT EDIT.
