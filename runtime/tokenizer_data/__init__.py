"""OpenAI's tiktoken BPE rank files, shipped so that ``token_counter`` is exact offline.

``o200k_base.tiktoken`` (3.6 MB, GPT-4o / GPT-4.1 / GPT-5 / o-series) and ``cl100k_base.tiktoken``
(1.7 MB, GPT-4 / GPT-3.5 / text-embedding-3) are byte-identical to the files tiktoken downloads
on first use: their SHA-256 digests equal the ``expected_hash`` values in tiktoken's
``tiktoken_ext/openai_public.py``, and ``llmrelay.tokens`` checks them again when it loads them.

Provenance and licence: the files are published by OpenAI as tiktoken's encoding data (tiktoken:
MIT licence, Copyright (c) 2022 OpenAI, Shantanu Jain). They were taken from the LiteLLM wheel on
PyPI (litellm 1.110.2, ``litellm/litellm_core_utils/tokenizers/``, MIT licence, Copyright (c) 2023
Berri AI), which ships the same two files for the same reason. The MIT licence allows
redistribution with this notice.
"""
