"""LiteLLM's ``litellm.types.llms`` import path (request-side typed dicts)."""
