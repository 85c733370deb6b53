"""LiteLLM's ``litellm.integrations`` import paths (``integrations.custom_logger.CustomLogger``)."""
