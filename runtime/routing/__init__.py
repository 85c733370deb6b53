"""The router's parts: deployment tables, shared in-process state, and the routing strategies.

:class:`llmrelay.Router` (``runtime/router.py``) puts them together. Nothing here loads when
``llmrelay`` is imported.
"""
