"""``token_counter``, ``encode`` and ``decode``: exact offline for OpenAI's encodings.

Exact path: with the ``tokenizers`` extra (``pip install 'llmrelay[tokenizers]'``, which installs
tiktoken), counts use tiktoken's BPE engine over the ``o200k_base`` and ``cl100k_base`` rank files
that ship *inside llmrelay* (``llmrelay/tokenizer_data/``, 5.3 MB unpacked, about 2.5 MB in the
wheel; see that package's docstring for provenance and licence). tiktoken itself would download
those files on first use, which fails without network; llmrelay never asks it to: it reads the
shipped file, checks its SHA-256 against the digest tiktoken publishes, and builds
``tiktoken.Encoding`` directly. Nothing is downloaded, no environment variable is changed, and
``tiktoken.get_encoding`` elsewhere in the process is unaffected. Which encoding a model uses comes
from tiktoken's own model table (``gpt-4o`` -> ``o200k_base``, ``gpt-4`` -> ``cl100k_base``).

Approximate paths, always labelled (``token_counter(..., return_details=True)`` returns
``{"tokens", "exact", "method"}``):

- a model tiktoken does not know (another vendor's tokenizer): counted with ``cl100k_base``,
  ``exact=False``, ``method="tiktoken:cl100k_base (approximation)"``;
- tiktoken not installed: about four characters a token, ``method="approximate:4-chars-per-token"``.

Chat messages add OpenAI's documented overhead: 3 tokens per message, 1 per ``name``, 3 to prime
the reply.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import threading
from importlib import resources
from typing import Any

from pydantic_core import to_json

# OpenAI's chat format adds a few tokens per message and per reply.
_PER_MESSAGE = 3
_PER_NAME = 1
_REPLY_PRIMING = 3
_FALLBACK_ENCODING = "cl100k_base"

_ENDOFTEXT = "<|endoftext|>"
_ENDOFPROMPT = "<|endofprompt|>"

# The two encodings llmrelay ships, with the facts tiktoken_ext/openai_public.py gives for them:
# the SHA-256 of the rank file, the pre-tokenisation pattern and the special tokens.
# tests/core/test_tokens.py checks these against tiktoken's own constructors.
_O200K_PATTERN = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
_CL100K_PATTERN = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
ENCODINGS: dict[str, dict[str, Any]] = {
    "o200k_base": {
        "sha256": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        "pat_str": _O200K_PATTERN,
        "special_tokens": {_ENDOFTEXT: 199999, _ENDOFPROMPT: 200018},
    },
    "cl100k_base": {
        "sha256": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        "pat_str": _CL100K_PATTERN,
        "special_tokens": {
            _ENDOFTEXT: 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            _ENDOFPROMPT: 100276,
        },
    },
}
_load_lock = threading.Lock()


def load_ranks(name: str) -> dict[bytes, int]:
    """The BPE ranks of a shipped encoding, checked against tiktoken's published SHA-256."""
    data = resources.files("llmrelay.tokenizer_data").joinpath(f"{name}.tiktoken").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != ENCODINGS[name]["sha256"]:
        raise ValueError(f"llmrelay/tokenizer_data/{name}.tiktoken is corrupt (sha256 {digest})")
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


@functools.lru_cache(maxsize=4)
def get_encoding(name: str) -> Any:
    """A ``tiktoken.Encoding`` for a shipped encoding, built without any download.

    Raises ImportError when tiktoken is not installed.
    """
    import tiktoken

    spec = ENCODINGS[name]
    with _load_lock:  # two threads asking at once parse the file once
        return tiktoken.Encoding(
            name=name,
            pat_str=spec["pat_str"],
            mergeable_ranks=load_ranks(name),
            special_tokens=spec["special_tokens"],
        )


def encoding_name(model: str) -> tuple[str, bool]:
    """``(encoding name, exact)`` for a model: tiktoken's model table, else an approximation."""
    name = model.rsplit("/", 1)[-1]
    try:
        from tiktoken.model import encoding_name_for_model

        encoding = encoding_name_for_model(name)
    except (ImportError, KeyError):
        return _FALLBACK_ENCODING, False
    if encoding in ENCODINGS:
        return encoding, True
    return _FALLBACK_ENCODING, False  # an older encoding (p50k, r50k) llmrelay does not ship


@functools.lru_cache(maxsize=64)
def _tokenizer(model: str) -> tuple[Any, str, bool]:
    """``(encoding or None, method label, exact)`` for a model."""
    name, exact = encoding_name(model)
    try:
        encoding = get_encoding(name)
    except ImportError:
        return None, "approximate:4-chars-per-token", False
    return encoding, f"tiktoken:{name}" if exact else f"tiktoken:{name} (approximation)", exact


def _approximate(text: str) -> int:
    return (len(text) + 3) // 4 if text else 0


def _text_of(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return to_json(content).decode()


def _count(text: str, encoding: Any) -> int:
    if not text:
        return 0
    return len(encoding.encode(text, disallowed_special=())) if encoding is not None else _approximate(text)


def _message_tokens(message: dict[str, Any], encoding: Any) -> int:
    content = message.get("content")
    total = _PER_MESSAGE + _count(_text_of(content), encoding) + _images_tokens(content)
    total += _count(str(message.get("role", "")), encoding)
    if message.get("name"):
        total += _PER_NAME + _count(str(message["name"]), encoding)
    if message.get("tool_calls"):
        total += _count(to_json(message["tool_calls"]).decode(), encoding)
    if message.get("tool_call_id"):
        total += _count(str(message["tool_call_id"]), encoding)
    return total


# --- images: OpenAI's vision pricing rule -----------------------------------------------------------
# https://platform.openai.com/docs/guides/images-vision#calculating-costs: "low" detail costs 85
# tokens; otherwise the image is fitted in 2048x2048, its short side scaled to 768, and each 512px
# tile costs 170 on top of the 85. The size is read from an inline (data:) image's header; a URL is
# never fetched, so it counts as 85 (LiteLLM does the same when it cannot read the image).
_IMAGE_BASE = 85
_IMAGE_TILE = 170


def _images_tokens(content: Any) -> int:
    if not isinstance(content, list):
        return 0
    total = 0
    for part in content:
        if isinstance(part, dict) and part.get("type") == "image_url":
            image = part.get("image_url")
            url, detail = (
                (image.get("url", ""), image.get("detail", "auto"))
                if isinstance(image, dict)
                else (image, "auto")
            )
            total += image_tokens(str(url or ""), detail)
    return total


def image_tokens(url: str, detail: str = "auto") -> int:
    """Tokens OpenAI charges for one image (see the rule above)."""
    size = None if detail == "low" else _inline_image_size(url)
    if size is None:
        return _IMAGE_BASE
    width, height = size
    scale = min(1.0, 2048 / max(width, height))
    width, height = width * scale, height * scale
    scale = min(1.0, 768 / min(width, height))
    width, height = width * scale, height * scale
    tiles = -(-int(width) // 512) * -(-int(height) // 512)
    return _IMAGE_BASE + _IMAGE_TILE * tiles


def _inline_image_size(url: str) -> tuple[int, int] | None:
    header, sep, data = url.partition(",")
    if not (sep and header.startswith("data:image/") and header.endswith(";base64")):
        return None
    try:
        head = base64.b64decode(data[:65536] + "=" * (-len(data[:65536]) % 4))
    except ValueError:
        return None
    return _size_from_header(head)


def _size_from_header(head: bytes) -> tuple[int, int] | None:
    """Width and height from the first bytes of a PNG, GIF, WebP or JPEG file."""
    import struct

    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return struct.unpack(">II", head[16:24])
        if head[:6] in (b"GIF87a", b"GIF89a"):
            return struct.unpack("<HH", head[6:10])
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return _webp_size(head)
        if head[:2] == b"\xff\xd8":
            return _jpeg_size(head)
    except struct.error:
        return None
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    import struct

    kind = head[12:16]
    if kind == b"VP8 ":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if kind == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8X":
        return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    return None


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    import struct

    i = 2
    while i + 9 < len(head):
        if head[i] != 0xFF:
            return None
        marker = head[i + 1]
        length = struct.unpack(">H", head[i + 2 : i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):  # start of frame: height, then width
            height, width = struct.unpack(">HH", head[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


class _HuggingFaceTokenizer:
    """Adapts a ``tokenizers.Tokenizer`` (``encode(text).ids``) to the tiktoken-style ``encode``."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer

    def encode(self, text: str, **_: Any) -> list[int]:
        return list(self.tokenizer.encode(text).ids)


def _custom(custom_tokenizer: dict[str, Any]) -> tuple[Any, str, bool]:
    """LiteLLM's ``custom_tokenizer={"type": "openai_tokenizer" | "huggingface_tokenizer", "tokenizer": t}``."""
    kind, tokenizer = custom_tokenizer.get("type"), custom_tokenizer.get("tokenizer")
    if tokenizer is None or kind not in ("openai_tokenizer", "huggingface_tokenizer"):
        raise ValueError(
            "custom_tokenizer must be {'type': 'openai_tokenizer' | 'huggingface_tokenizer', 'tokenizer': ...}"
        )
    if kind == "huggingface_tokenizer":
        return _HuggingFaceTokenizer(tokenizer), f"custom:{kind}", True
    return tokenizer, f"custom:{kind}", True


def token_counter(
    model: str = "",
    custom_tokenizer: dict[str, Any] | None = None,
    text: str | list[str] | None = None,
    messages: list[dict[str, Any]] | None = None,
    count_response_tokens: bool = False,
    tools: list[dict[str, Any]] | None = None,
    return_details: bool = False,
    **_: Any,
) -> Any:
    """Tokens in ``messages`` (with OpenAI's chat overhead) or in ``text`` (raw).

    The parameters are LiteLLM's, in its order. ``custom_tokenizer`` counts with the caller's own
    tokenizer (exact for that tokenizer). With ``return_details=True`` returns
    ``{"tokens": n, "exact": bool, "method": str}``.
    """
    if custom_tokenizer is not None:
        encoding, method, exact = _custom(custom_tokenizer)
    else:
        encoding, method, exact = _tokenizer(model or "")
    total = 0
    if messages is not None:
        total += sum(_message_tokens(m, encoding) for m in messages) + _REPLY_PRIMING
    if text is not None:
        total += _count(text if isinstance(text, str) else "".join(text), encoding)
    if tools:
        total += _count(to_json(tools).decode(), encoding)
    if not return_details:
        return total
    return {"tokens": total, "exact": exact and encoding is not None, "method": method}


def _encoder(model: str, custom_tokenizer: dict[str, Any] | None, what: str) -> Any:
    if custom_tokenizer is not None:
        return _custom(custom_tokenizer)[0]
    encoding, _method, _exact = _tokenizer(model)
    if encoding is None:
        raise ImportError(f"{what}() needs tiktoken: pip install 'llmrelay[tokenizers]'")
    return encoding


def encode(
    model: str = "", text: str = "", custom_tokenizer: dict[str, Any] | None = None, **_: Any
) -> list[int]:
    """Token ids of ``text`` for the model's encoding, or the caller's ``custom_tokenizer`` (LiteLLM's ``encode``)."""
    return _encoder(model, custom_tokenizer, "encode").encode(
        text, **({} if custom_tokenizer else {"disallowed_special": ()})
    )


def decode(
    model: str = "", tokens: list[int] | None = None, custom_tokenizer: dict[str, Any] | None = None, **_: Any
) -> str:
    """Text of token ids for the model's encoding, or the caller's ``custom_tokenizer`` (LiteLLM's ``decode``)."""
    encoder = _encoder(model, custom_tokenizer, "decode")
    if isinstance(encoder, _HuggingFaceTokenizer):
        return encoder.tokenizer.decode(tokens or [])
    return encoder.decode(tokens or [])
