"""LiteLLM's helper functions as users call them: cost, tokens, the model table, ``litellm.utils``.

Expected figures are LiteLLM's (its price table and its answers for the same calls).
"""

from __future__ import annotations

import json

import llmrelay as litellm
import pytest
from pydantic import BaseModel, Field

messages = [{"role": "user", "content": "Hello, how are you?"}]


# --- cost and tokens ----------------------------------------------------------------------------------


def test_cost_helpers() -> None:
    assert litellm.cost_per_token(model="gpt-4o", prompt_tokens=100, completion_tokens=50) == pytest.approx(
        (100 * 2.5e-06, 50 * 1e-05)
    )
    # prompt and completion strings are counted with the model's tokenizer, then priced
    assert litellm.completion_cost(
        model="gpt-4o", prompt="hello world", completion="hi there"
    ) == pytest.approx(2.5e-05)
    assert litellm.completion_cost(model="text-embedding-3-small", prompt="hello world") == pytest.approx(
        4e-08
    )
    custom = litellm.completion_cost(
        model="gpt-4o",
        prompt="hello world",
        completion="hi there",
        custom_cost_per_token={"input_cost_per_token": 1.0, "output_cost_per_token": 2.0},
    )
    assert custom == pytest.approx(2 * 1.0 + 2 * 2.0)


def test_completion_cost_of_a_response_kept_as_json() -> None:
    response = litellm.completion(model="gpt-4o", messages=messages, mock_response="Hi there")
    stored = json.loads(response.model_dump_json())
    assert litellm.completion_cost(completion_response=stored) == pytest.approx(
        litellm.completion_cost(response)
    )


def test_token_counter() -> None:
    assert litellm.token_counter(model="gpt-4o", messages=messages) == 13  # LiteLLM's count too
    assert litellm.token_counter(model="gpt-4o", text="hello world how are you") == 5
    assert (
        litellm.token_counter(
            model="claude-3-5-sonnet-20240620", messages=[{"role": "user", "content": "Hello"}]
        )
        == 8
    )
    with_tools = litellm.token_counter(
        model="gpt-4o",
        messages=messages,
        tools=[
            {
                "type": "function",
                "function": {"name": "f", "parameters": {"type": "object", "properties": {}}},
            }
        ],
    )
    assert with_tools > litellm.token_counter(model="gpt-4o", messages=messages)
    from llmrelay.utils import token_counter

    assert token_counter(model="gpt-4o", messages=messages) == 13


def _png_data_url(width: int, height: int) -> str:
    import base64
    import struct

    header = (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + b"IHDR"
        + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    )
    return "data:image/png;base64," + base64.b64encode(header + b"\0\0\0\0").decode()


def test_token_counter_counts_images_as_openai_prices_them() -> None:
    def with_image(url: str, detail: str) -> list[dict]:
        parts = [
            {"type": "text", "text": "hi"},
            {"type": "image_url", "image_url": {"url": url, "detail": detail}},
        ]
        return [{"role": "user", "content": parts}]

    text_only = litellm.token_counter(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert (
        litellm.token_counter(model="gpt-4o", messages=with_image(_png_data_url(1, 1), "low"))
        == text_only + 85
    )
    # OpenAI's worked examples: 1024x1024 high detail is 765 tokens, 2048x4096 is 1105
    assert (
        litellm.token_counter(model="gpt-4o", messages=with_image(_png_data_url(1024, 1024), "high"))
        == text_only + 765
    )
    assert (
        litellm.token_counter(model="gpt-4o", messages=with_image(_png_data_url(2048, 4096), "auto"))
        == text_only + 1105
    )
    # a remote image is never fetched: it counts as the base 85
    assert (
        litellm.token_counter(model="gpt-4o", messages=with_image("https://example.com/a.png", "high"))
        == text_only + 85
    )


def test_model_info_and_model_cost() -> None:
    info = litellm.get_model_info("gpt-4o")
    assert (info["max_tokens"], info["max_input_tokens"], info["max_output_tokens"]) == (16384, 128000, 16384)
    assert info["input_cost_per_token"] == 2.5e-06 and info["litellm_provider"] == "openai"
    assert info["mode"] == "chat" and info["supports_vision"] is True and info["key"] == "gpt-4o"
    assert {"tools", "response_format", "stream"} <= set(info["supported_openai_params"])
    assert info["tpm"] is None and info["rpm"] is None
    claude = litellm.get_model_info(model="claude-sonnet-4-5")
    assert (claude["max_tokens"], claude["litellm_provider"], claude["key"]) == (
        64000,
        "anthropic",
        "claude-sonnet-4-5",
    )
    with pytest.raises(Exception, match="nonexistent-model-xyz"):  # noqa: PT011  # LiteLLM raises a plain Exception subclass
        litellm.get_model_info("nonexistent-model-xyz")
    assert litellm.get_max_tokens("gpt-4o") == 16384
    # the key is the name LiteLLM's table files the model under, however the model was named
    assert litellm.get_model_info("openai/gpt-4o")["key"] == "gpt-4o"
    assert litellm.get_model_info(model="gpt-4o", custom_llm_provider="openai")["key"] == "gpt-4o"
    # model_cost is keyed as LiteLLM's table is: bare names for bare models, provider/model otherwise
    assert litellm.model_cost["gpt-4o"]["input_cost_per_token"] == 2.5e-06
    assert litellm.model_cost["claude-sonnet-4-5"]["litellm_provider"] == "anthropic"
    assert "gemini/gemini-2.5-flash" in litellm.model_cost
    assert litellm.model_cost is litellm.model_cost  # one dict, as in LiteLLM


def test_supports_helpers() -> None:
    assert litellm.supports_function_calling(model="gpt-4o") is True
    assert litellm.supports_vision(model="gpt-4o") is True
    assert litellm.supports_reasoning(model="o3-mini") is True
    assert litellm.supports_response_schema(model="gpt-4o") is True
    assert litellm.supports_function_calling(model="nonexistent-xyz") is False
    assert litellm.utils.supports_function_calling(model="gpt-4o") is True
    assert litellm.supports_prompt_caching(model="anthropic/claude-sonnet-4-5") is True


def test_register_model_then_price_and_describe() -> None:
    litellm.register_model(
        {
            "my-custom/model-x": {
                "max_tokens": 8192,
                "input_cost_per_token": 0.00002,
                "output_cost_per_token": 0.00006,
                "litellm_provider": "openai",
                "mode": "chat",
            }
        }
    )
    assert litellm.get_model_info("my-custom/model-x")["input_cost_per_token"] == 0.00002
    assert litellm.model_cost["my-custom/model-x"]["output_cost_per_token"] == 0.00006
    litellm.register_model({"gpt-4o": {"input_cost_per_token": 1.0, "output_cost_per_token": 2.0}})
    assert litellm.completion_cost(model="gpt-4o", prompt="hi", completion="hi") == pytest.approx(3.0)
    response = litellm.completion(model="gpt-4o", messages=messages, mock_response="hi")
    expected = response.usage.prompt_tokens * 1.0 + response.usage.completion_tokens * 2.0
    assert response._hidden_params["response_cost"] == pytest.approx(expected)


def test_rows_written_into_model_cost_directly_are_used() -> None:
    litellm.model_cost["house-model"] = {
        "input_cost_per_token": 0.5,
        "output_cost_per_token": 1.5,
        "litellm_provider": "openai",
        "mode": "chat",
        "max_input_tokens": 1000,
    }
    assert litellm.cost_per_token(model="house-model", prompt_tokens=2, completion_tokens=2) == pytest.approx(
        (1.0, 3.0)
    )
    assert litellm.get_model_info("house-model")["max_input_tokens"] == 1000


# --- litellm.utils ---------------------------------------------------------------------------------


def test_get_llm_provider() -> None:
    assert litellm.get_llm_provider("anthropic/claude-3-5-sonnet-20240620") == (
        "claude-3-5-sonnet-20240620",
        "anthropic",
        None,
        None,
    )
    assert litellm.get_llm_provider("gpt-4o") == ("gpt-4o", "openai", None, None)
    assert litellm.utils.get_llm_provider(model="llama3", custom_llm_provider="groq")[:2] == (
        "llama3",
        "groq",
    )
    with pytest.raises(litellm.BadRequestError):
        litellm.get_llm_provider("no-such-model-anywhere")


def test_get_supported_openai_params() -> None:
    openai_params = litellm.get_supported_openai_params(model="gpt-4o")
    assert {"temperature", "tools", "tool_choice", "response_format", "stream", "logit_bias"} <= set(
        openai_params
    )
    claude = litellm.get_supported_openai_params(
        model="claude-3-5-sonnet-20240620", custom_llm_provider="anthropic"
    )
    assert {"max_tokens", "temperature", "tools", "stop", "stream"} <= set(claude)
    assert "logit_bias" not in claude and "frequency_penalty" not in claude
    assert litellm.get_supported_openai_params(model="no-such-model-anywhere") is None
    assert "dimensions" in litellm.get_supported_openai_params(
        model="text-embedding-3-small", request_type="embeddings"
    )


def test_validate_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert litellm.validate_environment("gpt-4o") == {
        "keys_in_environment": False,
        "missing_keys": ["OPENAI_API_KEY"],
    }
    assert litellm.validate_environment(model="anthropic/claude-3-5-sonnet-20240620") == {
        "keys_in_environment": False,
        "missing_keys": ["ANTHROPIC_API_KEY"],
    }
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    assert litellm.validate_environment(model="claude-3-5-sonnet-20240620")["keys_in_environment"] is True
    assert litellm.validate_environment(model="gpt-4o", api_key="sk-given")["missing_keys"] == []
    assert litellm.validate_environment() == {"keys_in_environment": False, "missing_keys": []}
    assert litellm.validate_environment(model="mock/mock")["keys_in_environment"] is True


def test_get_valid_models_follows_the_keys_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    without = litellm.get_valid_models()
    assert "gpt-4o" not in without
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with_key = litellm.get_valid_models()
    assert "gpt-4o" in with_key and "claude-sonnet-4-5" not in with_key
    assert set(litellm.get_valid_models(custom_llm_provider="openai")) == set(
        litellm.models_by_provider["openai"]
    )


def test_trim_messages() -> None:
    short = [{"role": "user", "content": "Hello"}]
    assert litellm.utils.trim_messages(short, model="gpt-4o") == short
    assert litellm.trim_messages(short, model="model-nobody-knows") == short  # unknown model: unchanged
    long_history = [
        {"role": "system", "content": "You are a helpful assistant."},
        *({"role": "user", "content": f"message number {i} " + "word " * 40} for i in range(20)),
        {"role": "user", "content": "What was my last question?"},
    ]
    trimmed = litellm.trim_messages(long_history, model="gpt-4o", max_tokens=200)
    assert trimmed[0] == {"role": "system", "content": "You are a helpful assistant."}
    assert trimmed[-1] == long_history[-1]  # the newest message is kept
    assert litellm.token_counter(model="gpt-4o", messages=trimmed) <= 200
    assert len(trimmed) < len(long_history)
    assert long_history[1]["content"].startswith("message number 0")  # the caller's list is untouched
    trimmed_too, room = litellm.trim_messages(
        long_history, model="gpt-4o", max_tokens=200, return_response_tokens=True
    )
    assert trimmed_too == trimmed and room == 200 - litellm.token_counter(model="gpt-4o", messages=trimmed)
    # the oldest message that does not fit whole is shortened from the middle, as LiteLLM does
    one = litellm.trim_messages([{"role": "user", "content": "abc " * 500}], model="gpt-4o", max_tokens=50)
    assert ".." in one[0]["content"] and litellm.token_counter(model="gpt-4o", messages=one) <= 50
    # trailing tool results are kept as they are
    tool_tail = [*long_history, {"role": "tool", "tool_call_id": "c1", "content": "42"}]
    assert litellm.trim_messages(tool_tail, model="gpt-4o", max_tokens=200)[-1] == tool_tail[-1]


def test_get_secret_and_provider_enum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_SECRET", "s3cret")
    assert litellm.get_secret("MY_SECRET") == "s3cret"
    assert litellm.get_secret("os.environ/MY_SECRET") == "s3cret"
    assert litellm.get_secret("NOT_SET_ANYWHERE", default_value="d") == "d"
    assert litellm.LlmProviders.OPENAI.value == "openai" and litellm.LlmProviders.ANTHROPIC == "anthropic"


def test_batch_completion_and_completion_with_retries() -> None:
    responses = litellm.batch_completion(
        model="gpt-4o",
        messages=[
            [{"role": "user", "content": "good morning? "}],
            [{"role": "user", "content": "what's the time? "}],
        ],
        mock_response="reply",
    )
    assert [r.choices[0].message.content for r in responses] == ["reply", "reply"]
    failed = litellm.batch_completion(
        model="gpt-4o", messages=[messages], mock_response="litellm.RateLimitError"
    )
    assert isinstance(failed[0], litellm.RateLimitError)
    again = litellm.completion_with_retries(model="gpt-4o", messages=messages, mock_response="retried")
    assert again.choices[0].message.content == "retried"


def test_check_valid_key_is_false_without_a_reachable_provider() -> None:
    # pytest blocks the network: the one-token call fails, and check_valid_key answers False as LiteLLM does
    assert litellm.check_valid_key(model="gpt-4o", api_key="sk-invalid") is False


# --- response_format=PydanticModel ----------------------------------------------------------------


class CalendarEvent(BaseModel):
    name: str
    date: str
    participants: list[str]


class Step(BaseModel):
    explanation: str
    output: str


class MathReasoning(BaseModel):
    steps: list[Step]
    final_answer: str
    note: str | None = None
    best: Step = Field(description="the most useful step")


def _captured_response_format(**call: object) -> dict:
    captured: dict = {}

    class Capture(litellm.CustomLogger):
        def log_pre_api_call(self, model, messages, kwargs):  # noqa: ANN001
            captured.update(kwargs["optional_params"])

    litellm.callbacks = [Capture()]
    litellm.completion(messages=messages, **call)
    return captured["response_format"]


def test_pydantic_response_format_becomes_strict_json_schema() -> None:
    sent = _captured_response_format(
        model="gpt-4o",
        response_format=CalendarEvent,
        mock_response='{"name": "Fair", "date": "Friday", "participants": ["Al"]}',
    )
    assert sent == {
        "type": "json_schema",
        "json_schema": {
            "name": "CalendarEvent",
            "strict": True,
            "schema": {
                "type": "object",
                "title": "CalendarEvent",
                "properties": {
                    "name": {"title": "Name", "type": "string"},
                    "date": {"title": "Date", "type": "string"},
                    "participants": {"title": "Participants", "type": "array", "items": {"type": "string"}},
                },
                "required": ["name", "date", "participants"],
                "additionalProperties": False,
            },
        },
    }


def test_nested_pydantic_schema_is_made_strict_as_openai_requires() -> None:
    schema = _captured_response_format(model="gpt-4o", response_format=MathReasoning, mock_response="{}")[
        "json_schema"
    ]["schema"]
    assert schema["required"] == [
        "steps",
        "final_answer",
        "note",
        "best",
    ]  # every property, optional ones too
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["Step"]["additionalProperties"] is False
    assert schema["$defs"]["Step"]["required"] == ["explanation", "output"]
    assert "default" not in schema["properties"]["note"]  # a None default is dropped
    best = schema["properties"]["best"]
    assert "$ref" not in best and best["description"] == "the most useful step"  # $ref with siblings inlined
    assert best["properties"]["output"] == {"title": "Output", "type": "string"}


def test_pydantic_response_format_end_to_end_parse() -> None:
    response = litellm.completion(
        model="gpt-4o",
        messages=messages,
        response_format=CalendarEvent,
        mock_response='{"name": "Science Fair", "date": "Friday", "participants": ["Alice", "Bob"]}',
    )
    event = CalendarEvent.model_validate_json(response.choices[0].message.content)
    assert event.participants == ["Alice", "Bob"]
    assert json.loads(response.choices[0].message.content)["name"] == "Science Fair"
    # the offline mock provider takes the converted schema on the wire, too
    assert (
        litellm.completion(model="mock/mock", messages=messages, response_format=CalendarEvent)
        .choices[0]
        .message.content
    )


def test_encode_decode_as_in_the_token_usage_docs() -> None:
    sample_text = "Hellö World, this is my input string!"
    tokens = litellm.encode(model="gpt-4o", text=sample_text)
    assert litellm.decode(model="gpt-4o", tokens=tokens) == sample_text
    assert len(tokens) == litellm.token_counter(model="gpt-4o", text=sample_text)
    from llmrelay.tokens import get_encoding

    custom = {"type": "openai_tokenizer", "tokenizer": get_encoding("cl100k_base")}
    custom_tokens = litellm.encode(model="", text=sample_text, custom_tokenizer=custom)
    assert custom_tokens == get_encoding("cl100k_base").encode(sample_text)
    assert litellm.decode(model="", tokens=custom_tokens, custom_tokenizer=custom) == sample_text
    assert litellm.token_counter(custom_tokenizer=custom, text=sample_text) == len(custom_tokens)


def test_register_model_from_a_json_document(tmp_path) -> None:  # noqa: ANN001
    table = tmp_path / "model_prices.json"
    table.write_text(
        json.dumps(
            {
                "acme/acme-large": {
                    "litellm_provider": "openai",
                    "mode": "chat",
                    "max_input_tokens": 32000,
                    "input_cost_per_token": 3e-06,
                    "output_cost_per_token": 9e-06,
                }
            }
        )
    )
    litellm.register_model(str(table))
    assert litellm.get_model_info("acme/acme-large")["max_input_tokens"] == 32000
    assert litellm.cost_per_token(
        model="acme/acme-large", prompt_tokens=10, completion_tokens=10
    ) == pytest.approx((3e-05, 9e-05))


def test_get_response_headers_as_litellm_fills_additional_headers() -> None:
    from llmrelay.utils import get_response_headers

    headers = {
        "x-request-id": "req_4c0b",
        "x-ratelimit-remaining-requests": "9999",
        "x-ratelimit-limit-tokens": "30000000",
        "openai-processing-ms": "611",
    }
    extra = get_response_headers(headers)
    assert (
        extra["x-ratelimit-remaining-requests"] == "9999" and extra["x-ratelimit-limit-tokens"] == "30000000"
    )
    assert (
        extra["llm_provider-openai-processing-ms"] == "611"
        and extra["llm_provider-x-request-id"] == "req_4c0b"
    )
    assert extra["request-id"] == "req_4c0b"
    assert get_response_headers(None) == {}


def test_function_to_dict_from_a_numpy_docstring() -> None:
    def get_current_weather(location: str, unit: str, days: int = 1) -> str:
        """Get the current weather in a given location

        Parameters
        ----------
        location : str
            The city and state, e.g. San Francisco, CA
        unit : {'celsius', 'fahrenheit'}
            Temperature unit
        days : int, optional
            How many days to forecast

        Returns
        -------
        str
            a sentence indicating the weather
        """
        return ""

    function_json = litellm.utils.function_to_dict(get_current_weather)
    assert function_json == {
        "name": "get_current_weather",
        "description": "Get the current weather in a given location",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                "unit": {
                    "type": "string",
                    "description": "Temperature unit",
                    "enum": ["celsius", "fahrenheit"],
                },
                "days": {"type": "integer", "description": "How many days to forecast"},
            },
            "required": ["location", "unit"],
        },
    }
    response = litellm.completion(
        model="gpt-4o",
        messages=messages,
        tools=[{"type": "function", "function": function_json}],
        mock_response="sunny",
    )
    assert response.choices[0].message.content == "sunny"
