# Code generated from specs/gemini/openapi.yaml by `make generate` (datamodel-code-generator). DO NOT EDIT.

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Blob(BaseModel):
    """
    Media sent inline, base64-encoded.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    mimeType: str | None = None
    data: str | None = None


class FileData(BaseModel):
    """
    Media sent by reference (a Files API URI, a gs:// URI or an https URL).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    mimeType: str | None = None
    fileUri: str | None = None


class FunctionCall(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    id: str | None = None
    name: str | None = None
    args: dict[str, Any] | None = None


class FunctionResponse(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    id: str | None = None
    name: str | None = None
    response: dict[str, Any] | None = None


class ExecutableCode(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    language: str | None = None
    code: str | None = None


class CodeExecutionResult(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    outcome: str | None = None
    output: str | None = None


class ThinkingConfig(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    includeThoughts: bool | None = Field(
        None, description="Return thought summaries as parts with thought set."
    )
    thinkingBudget: int | None = Field(
        None,
        description="Tokens the model may think for; 0 turns thinking off, -1 lets the model decide.",
    )
    thinkingLevel: str | None = Field(
        None,
        description="For models that take a level rather than a budget (low, high…).",
    )


class Schema(BaseModel):
    """
    The OpenAPI-style schema subset the API accepts for parameters and responses.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    type: str | None = Field(
        None,
        description="STRING, NUMBER, INTEGER, BOOLEAN, ARRAY, OBJECT or NULL (lower case is accepted).",
    )
    format: str | None = None
    title: str | None = None
    description: str | None = None
    nullable: bool | None = None
    enum: list[str] | None = None
    maxItems: str | None = None
    minItems: str | None = None
    properties: dict[str, Schema] | None = None
    required: list[str] | None = None
    propertyOrdering: list[str] | None = None
    items: Schema | None = None
    anyOf: list[Schema] | None = None
    minimum: float | None = None
    maximum: float | None = None


class FunctionCallingConfig(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    mode: Literal["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"] | None = None
    allowedFunctionNames: list[str] | None = None


class SafetyRating(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    category: (
        Literal[
            "HARM_CATEGORY_UNSPECIFIED",
            "HARM_CATEGORY_HARASSMENT",
            "HARM_CATEGORY_HATE_SPEECH",
            "HARM_CATEGORY_SEXUALLY_EXPLICIT",
            "HARM_CATEGORY_DANGEROUS_CONTENT",
            "HARM_CATEGORY_CIVIC_INTEGRITY",
        ]
        | None
    ) = None
    probability: Literal["HARM_PROBABILITY_UNSPECIFIED", "NEGLIGIBLE", "LOW", "MEDIUM", "HIGH"] | None = None
    blocked: bool | None = None


class PromptFeedback(BaseModel):
    """
    Present when the prompt itself was judged; with blockReason there are no candidates.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    blockReason: (
        Literal[
            "BLOCK_REASON_UNSPECIFIED",
            "SAFETY",
            "OTHER",
            "BLOCKLIST",
            "PROHIBITED_CONTENT",
            "IMAGE_SAFETY",
        ]
        | None
    ) = None
    safetyRatings: list[SafetyRating] | None = None


class ModalityTokenCount(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    modality: Literal["MODALITY_UNSPECIFIED", "TEXT", "IMAGE", "VIDEO", "AUDIO", "DOCUMENT"] | None = None
    tokenCount: int | None = None


class LogprobsCandidate(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    token: str | None = None
    tokenId: int | None = None
    logProbability: float | None = None


class ContentEmbedding(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    values: list[float] | None = None


class EmbedContentResponse(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    embedding: ContentEmbedding | None = None


class BatchEmbedContentsResponse(BaseModel):
    """
    The API reports no token usage for embeddings.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    embeddings: list[ContentEmbedding] | None = None


class Status(BaseModel):
    """
    Google's error body; status is the canonical code name (INVALID_ARGUMENT, RESOURCE_EXHAUSTED…).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    code: int | None = None
    message: str | None = None
    status: str | None = None
    details: list[dict[str, Any]] | None = Field(
        None,
        description="Typed detail objects (ErrorInfo with a reason such as API_KEY_INVALID, RetryInfo, Help…).",
    )


class Part(BaseModel):
    """
    One piece of a turn; exactly one data field is set, plus optional flags.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    text: str | None = None
    thought: bool | None = Field(
        None,
        description="The part is a summary of the model's reasoning, not answer text.",
    )
    thoughtSignature: str | None = Field(
        None,
        description="Opaque, base64 signature of the model's reasoning; must be sent back on the next turn.",
    )
    inlineData: Blob | None = None
    fileData: FileData | None = None
    functionCall: FunctionCall | None = None
    functionResponse: FunctionResponse | None = None
    executableCode: ExecutableCode | None = None
    codeExecutionResult: CodeExecutionResult | None = None


class GenerationConfig(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    stopSequences: list[str] | None = None
    responseMimeType: str | None = Field(
        None, description="text/plain (default), application/json or text/x.enum."
    )
    responseSchema: Schema | None = None
    responseJsonSchema: dict[str, Any] | None = Field(
        None, description="A full JSON Schema, the alternative to responseSchema."
    )
    responseModalities: list[Literal["MODALITY_UNSPECIFIED", "TEXT", "IMAGE", "AUDIO"]] | None = None
    candidateCount: int | None = None
    maxOutputTokens: int | None = None
    temperature: float | None = None
    topP: float | None = None
    topK: int | None = None
    seed: int | None = None
    presencePenalty: float | None = None
    frequencyPenalty: float | None = None
    responseLogprobs: bool | None = None
    logprobs: int | None = Field(
        None,
        description="How many top alternatives to return per token (needs responseLogprobs).",
    )
    thinkingConfig: ThinkingConfig | None = None


class SafetySetting(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    category: Literal[
        "HARM_CATEGORY_UNSPECIFIED",
        "HARM_CATEGORY_HARASSMENT",
        "HARM_CATEGORY_HATE_SPEECH",
        "HARM_CATEGORY_SEXUALLY_EXPLICIT",
        "HARM_CATEGORY_DANGEROUS_CONTENT",
        "HARM_CATEGORY_CIVIC_INTEGRITY",
    ]
    threshold: Literal[
        "HARM_BLOCK_THRESHOLD_UNSPECIFIED",
        "BLOCK_LOW_AND_ABOVE",
        "BLOCK_MEDIUM_AND_ABOVE",
        "BLOCK_ONLY_HIGH",
        "BLOCK_NONE",
        "OFF",
    ]


class FunctionDeclaration(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    name: str
    description: str | None = None
    parameters: Schema | None = None
    parametersJsonSchema: dict[str, Any] | None = None


class ToolConfig(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    functionCallingConfig: FunctionCallingConfig | None = None


class UsageMetadata(BaseModel):
    """
    Token counts. totalTokenCount = promptTokenCount + toolUsePromptTokenCount + candidatesTokenCount + thoughtsTokenCount; cachedContentTokenCount is part of promptTokenCount.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    promptTokenCount: int | None = None
    cachedContentTokenCount: int | None = None
    candidatesTokenCount: int | None = None
    toolUsePromptTokenCount: int | None = None
    thoughtsTokenCount: int | None = None
    totalTokenCount: int | None = None
    promptTokensDetails: list[ModalityTokenCount] | None = None
    cacheTokensDetails: list[ModalityTokenCount] | None = None
    candidatesTokensDetails: list[ModalityTokenCount] | None = None
    toolUsePromptTokensDetails: list[ModalityTokenCount] | None = None


class TopCandidate(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    candidates: list[LogprobsCandidate] | None = None


class LogprobsResult(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    topCandidates: list[TopCandidate] | None = Field(
        None, description="Per generated token, the most likely alternatives."
    )
    chosenCandidates: list[LogprobsCandidate] | None = Field(
        None, description="Per generated token, the token chosen."
    )


class ErrorResponse(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    error: Status | None = None


class Content(BaseModel):
    """
    One turn; a role and its ordered parts.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    role: str | None = Field(None, description="user or model (absent in systemInstruction).")
    parts: list[Part] | None = None


class Tool(BaseModel):
    """
    One tool; function declarations or one of the built-in tools.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    functionDeclarations: list[FunctionDeclaration] | None = None
    googleSearch: dict[str, Any] | None = None
    googleSearchRetrieval: dict[str, Any] | None = None
    codeExecution: dict[str, Any] | None = None
    urlContext: dict[str, Any] | None = None


class Candidate(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    content: Content | None = None
    finishReason: (
        Literal[
            "FINISH_REASON_UNSPECIFIED",
            "STOP",
            "MAX_TOKENS",
            "SAFETY",
            "RECITATION",
            "LANGUAGE",
            "OTHER",
            "BLOCKLIST",
            "PROHIBITED_CONTENT",
            "SPII",
            "MALFORMED_FUNCTION_CALL",
            "IMAGE_SAFETY",
            "IMAGE_PROHIBITED_CONTENT",
            "IMAGE_OTHER",
            "NO_IMAGE",
            "IMAGE_RECITATION",
            "UNEXPECTED_TOOL_CALL",
            "TOO_MANY_TOOL_CALLS",
            "MISSING_THOUGHT_SIGNATURE",
        ]
        | None
    ) = None
    finishMessage: str | None = None
    safetyRatings: list[SafetyRating] | None = None
    citationMetadata: dict[str, Any] | None = None
    groundingMetadata: dict[str, Any] | None = None
    urlContextMetadata: dict[str, Any] | None = None
    tokenCount: int | None = None
    index: int | None = None
    avgLogprobs: float | None = None
    logprobsResult: LogprobsResult | None = None


class EmbedContentRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    model: str | None = Field(
        None,
        description="models/{model}; in a batch it must name the model of the URL.",
    )
    content: Content
    taskType: (
        Literal[
            "TASK_TYPE_UNSPECIFIED",
            "RETRIEVAL_QUERY",
            "RETRIEVAL_DOCUMENT",
            "SEMANTIC_SIMILARITY",
            "CLASSIFICATION",
            "CLUSTERING",
            "QUESTION_ANSWERING",
            "FACT_VERIFICATION",
            "CODE_RETRIEVAL_QUERY",
        ]
        | None
    ) = None
    title: str | None = None
    outputDimensionality: int | None = None


class BatchEmbedContentsRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    requests: list[EmbedContentRequest]


class GenerateContentRequest(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    contents: list[Content] = Field(
        ...,
        description="The conversation so far; for a single question, one user content.",
    )
    systemInstruction: Content | None = None
    tools: list[Tool] | None = None
    toolConfig: ToolConfig | None = None
    safetySettings: list[SafetySetting] | None = None
    generationConfig: GenerationConfig | None = None
    cachedContent: str | None = Field(
        None,
        description="Name of a cached content (cachedContents/...) to use as the prompt's prefix.",
    )


class GenerateContentResponse(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    candidates: list[Candidate] | None = None
    promptFeedback: PromptFeedback | None = None
    usageMetadata: UsageMetadata | None = None
    modelVersion: str | None = None
    responseId: str | None = None


Schema.model_rebuild()
