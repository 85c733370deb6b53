"""The llmrelay gateway: an OpenAI-compatible server in front of the SDK (``llmrelay serve``).

Nothing is imported here so that ``import llmrelay.proxy.cli`` stays cheap; the server stack
(uvicorn, SQLAlchemy, redis) loads inside :func:`llmrelay.proxy.cli.main`.
"""
