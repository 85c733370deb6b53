"""``from llmrelay.integrations.custom_logger import CustomLogger``, LiteLLM's import path.

The class is :class:`llmrelay.hooks.CustomLogger`; subclass it and put the instance in
``llmrelay.callbacks``.
"""

from __future__ import annotations

from ..hooks import CustomLogger

__all__ = ["CustomLogger"]
