"""Request signers named by a spec's ``connection.auth.signer``.

A signer takes the finished request (method, URL, headers, body), the call values the spec
declares (``connection.call_values``, resolved for this call) and the signer's literal ``args``,
and returns the headers to send. Signing needs the final body, so it runs last, after
``Adapter.finish_body``.

Cryptographic signing uses a well-kept library, installed with an extra; it is imported only when
a signed request is built, so the SDK runs without it for every other provider.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import exceptions

Signer = Callable[..., dict[str, str]]


def aws_sigv4(
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes | None,
    values: dict[str, str | None],
    *,
    service: str,
    provider: str,
    model: str | None = None,
) -> dict[str, str]:
    """AWS Signature Version 4 (botocore's signer): adds X-Amz-Date, X-Amz-Security-Token, Authorization.

    ``values`` must hold ``region``, ``access_key_id`` and ``secret_access_key``, and may hold
    ``session_token`` (temporary credentials).
    """
    try:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
    except ImportError:
        exceptions.raise_error(
            "APIConnectionError",
            f"signing requests for {provider!r} needs botocore: pip install 'llmrelay[aws]'",
            llm_provider=provider,
            model=model,
        )
        raise
    access_key, secret_key = values.get("access_key_id"), values.get("secret_access_key")
    if not access_key or not secret_key:
        exceptions.raise_error(
            "AuthenticationError",
            f"missing AWS credentials for provider {provider!r}: pass aws_access_key_id= and "
            "aws_secret_access_key= (or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), "
            "or an API key (api_key= or AWS_BEARER_TOKEN_BEDROCK)",
            llm_provider=provider,
            model=model,
            status_code=401,
        )
    credentials = Credentials(access_key, secret_key, values.get("session_token") or None)
    request = AWSRequest(method=method, url=url, data=body or b"", headers=dict(headers))
    SigV4Auth(credentials, service, values.get("region") or "").add_auth(request)
    return dict(request.headers.items())


SIGNERS: dict[str, Signer] = {"aws_sigv4": aws_sigv4}


def sign(
    name: str, method: str, url: str, headers: dict[str, str], body: bytes | None, **kwargs: Any
) -> dict[str, str]:
    """Apply the signer ``name`` (a spec's ``connection.auth.signer.name``)."""
    return SIGNERS[name](method, url, headers, body, **kwargs)
