"""token_counter: exact offline with the shipped BPE files, labelled approximations otherwise."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import llmrelay
import pytest
from llmrelay import tokens
from tiktoken_ext import openai_public

BLOB = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"


@pytest.mark.parametrize(
    ("model", "text", "ids"),
    [
        ("gpt-4o", "hello world", [24912, 2375]),  # o200k_base
        ("gpt-4o-mini", "hello world", [24912, 2375]),
        ("gpt-4", "hello world", [15339, 1917]),  # cl100k_base
        ("gpt-3.5-turbo", "tiktoken is great!", [83, 1609, 5963, 374, 2294, 0]),  # tiktoken's README example
        ("text-embedding-3-small", "tiktoken is great!", [83, 1609, 5963, 374, 2294, 0]),
    ],
)
def test_known_token_ids_for_known_strings(model: str, text: str, ids: list[int]) -> None:
    assert tokens.encode(model, text) == ids
    assert tokens.decode(model, ids) == text
    details = llmrelay.token_counter(model=model, text=text, return_details=True)
    assert (
        details["tokens"] == len(ids)
        and details["exact"] is True
        and details["method"].startswith("tiktoken:")
    )


def test_provider_prefix_is_ignored_for_the_encoding() -> None:
    assert llmrelay.token_counter(model="openai/gpt-4o", text="hello world") == 2


def test_chat_messages_add_openai_overhead() -> None:
    # 3 per message + "user" (1) + "hello world" (2) + 3 to prime the reply
    assert llmrelay.token_counter(model="gpt-4o", messages=[{"role": "user", "content": "hello world"}]) == 9
    named = [{"role": "user", "content": "hello world", "name": "bob"}]
    assert llmrelay.token_counter(model="gpt-4o", messages=named) == 9 + 1 + len(
        tokens.encode("gpt-4o", "bob")
    )
    parts = [{"role": "user", "content": [{"type": "text", "text": "hello world"}]}]
    assert llmrelay.token_counter(model="gpt-4o", messages=parts) == 9


def test_special_token_text_is_counted_as_text_not_rejected() -> None:
    assert llmrelay.token_counter(model="gpt-4o", text="<|endoftext|>") > 1


def test_unknown_model_is_a_labelled_approximation() -> None:
    details = llmrelay.token_counter(model="some-vendor/some-model", text="hello world", return_details=True)
    assert details == {"tokens": 2, "exact": False, "method": "tiktoken:cl100k_base (approximation)"}


def test_shipped_files_match_tiktokens_published_digests() -> None:
    for name, spec in tokens.ENCODINGS.items():
        ranks = tokens.load_ranks(name)  # raises if the digest differs
        assert len(ranks) == {"o200k_base": 199998, "cl100k_base": 100256}[name]
        assert (
            spec["sha256"]
            in Path(__import__("tiktoken_ext.openai_public").openai_public.__file__).read_text()
        )


def test_encoding_facts_equal_tiktokens_own_constructors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Serve tiktoken its own cache from the shipped files, then compare what it builds with ours."""
    for name in tokens.ENCODINGS:
        data = (Path(tokens.__file__).parent / "tokenizer_data" / f"{name}.tiktoken").read_bytes()
        (tmp_path / hashlib.sha1(BLOB.format(name).encode()).hexdigest()).write_bytes(data)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    for name, spec in tokens.ENCODINGS.items():
        theirs = getattr(openai_public, name)()
        assert theirs["pat_str"] == spec["pat_str"]
        assert theirs["special_tokens"] == spec["special_tokens"]
        assert theirs["mergeable_ranks"] == tokens.load_ranks(name)


def test_exact_path_never_touches_tiktokens_cache_or_environment() -> None:
    before = os.environ.get("TIKTOKEN_CACHE_DIR")
    tokens.get_encoding.cache_clear()
    tokens._tokenizer.cache_clear()
    assert llmrelay.token_counter(model="gpt-4o", text="hello world") == 2  # network is blocked in tests
    assert os.environ.get("TIKTOKEN_CACHE_DIR") == before


def test_without_tiktoken_the_count_is_a_labelled_approximation() -> None:
    code = (
        "import sys; sys.modules['tiktoken'] = None\n"  # makes `import tiktoken` fail
        "import llmrelay\n"
        "print(llmrelay.token_counter(model='gpt-4o', text='abcdefgh', return_details=True))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "{'tokens': 2, 'exact': False, 'method': 'approximate:4-chars-per-token'}"


def test_import_llmrelay_does_not_load_tiktoken() -> None:
    code = "import sys, llmrelay; print('tiktoken' in sys.modules)"
    assert (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        == "False"
    )


def test_custom_tokenizer_in_litellm_form() -> None:
    class Words:
        """A stand-in HuggingFace tokenizer: encode(text).ids, one id per word."""

        def encode(self, text: str) -> object:
            return type("Encoding", (), {"ids": list(range(len(text.split())))})()

    hf = {"type": "huggingface_tokenizer", "tokenizer": Words()}
    assert llmrelay.token_counter(custom_tokenizer=hf, text="one two three four") == 4
    openai_style = {"type": "openai_tokenizer", "tokenizer": tokens.get_encoding("cl100k_base")}
    details = llmrelay.token_counter(
        custom_tokenizer=openai_style, text="tiktoken is great!", return_details=True
    )
    assert details == {"tokens": 6, "exact": True, "method": "custom:openai_tokenizer"}
    with pytest.raises(ValueError, match="custom_tokenizer"):
        llmrelay.token_counter(custom_tokenizer={"type": "sentencepiece"}, text="x")
