# Code generated from specs/*/provider.yaml by `make generate`. DO NOT EDIT.
"""Provider registry and model table, compiled from every provider mapping.

Sources:
    specs/mock/provider.yaml
    specs/openai/provider.yaml
"""

from __future__ import annotations

from typing import Any

# provider name -> "module:AdapterClass", imported on first use
PROVIDERS: dict[str, str] = {
    "mock": "llmrelay.generated.mock.adapter:MockAdapter",
    "openai": "llmrelay.generated.openai.adapter:OpenaiAdapter",
}

# "provider/model" -> model info (LiteLLM's keys; prices in USD per token)
MODELS: dict[str, dict[str, Any]] = {
    "mock/mock": {
        "input_cost_per_token": 1e-06,
        "litellm_provider": "mock",
        "max_input_tokens": 1000000,
        "max_output_tokens": 100000,
        "max_tokens": 100000,
        "mode": "chat",
        "output_cost_per_token": 2e-06,
        "supports_function_calling": True,
        "supports_system_messages": True,
        "supports_tool_choice": True,
    },
    "mock/mock-embedding": {
        "input_cost_per_token": 1e-07,
        "litellm_provider": "mock",
        "max_input_tokens": 100000,
        "mode": "embedding",
        "output_cost_per_token": 0.0,
        "output_vector_size": 8,
    },
    "openai/dall-e-3": {
        "litellm_provider": "openai",
        "mode": "image_generation",
        "output_cost_per_image": 0.04,
    },
    "openai/gpt-4o": {
        "cache_read_input_token_cost": 1.25e-06,
        "input_cost_per_token": 2.5e-06,
        "litellm_provider": "openai",
        "max_input_tokens": 128000,
        "max_output_tokens": 16384,
        "max_tokens": 16384,
        "mode": "chat",
        "output_cost_per_token": 1e-05,
        "supports_function_calling": True,
        "supports_parallel_function_calling": True,
        "supports_prompt_caching": True,
        "supports_response_schema": True,
        "supports_system_messages": True,
        "supports_tool_choice": True,
        "supports_vision": True,
    },
    "openai/gpt-4o-mini": {
        "cache_read_input_token_cost": 7.5e-08,
        "input_cost_per_token": 1.5e-07,
        "litellm_provider": "openai",
        "max_input_tokens": 128000,
        "max_output_tokens": 16384,
        "max_tokens": 16384,
        "mode": "chat",
        "output_cost_per_token": 6e-07,
        "supports_function_calling": True,
        "supports_parallel_function_calling": True,
        "supports_prompt_caching": True,
        "supports_response_schema": True,
        "supports_system_messages": True,
        "supports_tool_choice": True,
        "supports_vision": True,
    },
    "openai/text-embedding-3-small": {
        "input_cost_per_token": 2e-08,
        "litellm_provider": "openai",
        "max_input_tokens": 8191,
        "mode": "embedding",
        "output_cost_per_token": 0.0,
        "output_vector_size": 1536,
    },
}

# bare model name -> "provider/model", for providers whose models answer to bare names
BARE_MODELS: dict[str, str] = {
    "dall-e-3": "openai/dall-e-3",
    "gpt-4o": "openai/gpt-4o",
    "gpt-4o-2024-08-06": "openai/gpt-4o",
    "gpt-4o-2024-11-20": "openai/gpt-4o",
    "gpt-4o-mini": "openai/gpt-4o-mini",
    "gpt-4o-mini-2024-07-18": "openai/gpt-4o-mini",
    "text-embedding-3-small": "openai/text-embedding-3-small",
}

# "provider/alias" -> "provider/model"
ALIASES: dict[str, str] = {
    "openai/gpt-4o-2024-08-06": "openai/gpt-4o",
    "openai/gpt-4o-2024-11-20": "openai/gpt-4o",
    "openai/gpt-4o-mini-2024-07-18": "openai/gpt-4o-mini",
}
