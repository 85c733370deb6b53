"""The one list of capability names.

It serves the spec schema (what ``capabilities:`` may hold) and the cassette layout
(``cassettes/<provider>/<capability>/<scenario>.yaml``); the structural test checks both agree.
"""

CAPABILITIES: tuple[str, ...] = (
    "chat",  # non-streaming chat completion
    "stream",  # streaming chat completion
    "tools",  # tool calls, non-streaming
    "tools_stream",  # tool calls, streaming
    "reasoning",  # reasoning / thinking output
    "embeddings",
    "images",  # image generation
    "text_completion",  # the legacy /completions shape
    "responses",  # the Responses API called natively (others reach it through the chat bridge)
    "errors",  # the error statuses (and in-stream error events) the provider documents
)

# Capabilities that need their own endpoint; the others ride on chat.
ENDPOINT_CAPABILITIES = ("chat", "embeddings", "images", "text_completion", "responses")
