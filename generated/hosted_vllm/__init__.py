# Code generated from specs/hosted_vllm/provider.yaml by `make generate`. DO NOT EDIT.
