"""Request signers named by a spec's ``connection.auth.signer``.

A signer takes the finished request (method, URL, headers, body), the call values the spec
declares (``connection.call_values``, resolved for this call) and the signer's literal ``args``,
and returns the headers to send. Signing needs the final body, so it runs last, after
``Adapter.finish_body``.

Cryptographic signing uses a well-kept library, installed with an extra; it is imported only when
a signed request is built, so the SDK runs without it for every other provider.
"""

from __future__ import annotations

import functools
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

    ``values`` holds ``region`` and, when the caller gives them, ``access_key_id``,
    ``secret_access_key`` and ``session_token`` (temporary credentials); without them the
    credentials come from botocore's default chain, as with boto3 (LiteLLM's behaviour): the
    environment, the shared credentials and config files (the ``profile`` value picks a profile),
    SSO, container and instance roles.
    """
    try:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
    except ImportError:
        exceptions.raise_error(
            "APIConnectionError",
            f"signing requests for {provider!r} needs botocore: pip install 'llmrelay[aws]'",
            llm_provider=provider,
            model=model,
        )
        raise
    credentials = _aws_credentials(values, provider, model)
    request = AWSRequest(method=method, url=url, data=body or b"", headers=dict(headers))
    SigV4Auth(credentials, service, values.get("region") or "").add_auth(request)
    return dict(request.headers.items())


def _aws_credentials(values: dict[str, str | None], provider: str, model: str | None) -> Any:
    from botocore.credentials import Credentials

    access_key, secret_key = values.get("access_key_id"), values.get("secret_access_key")
    if access_key and secret_key:
        return Credentials(access_key, secret_key, values.get("session_token") or None)
    from botocore.exceptions import BotoCoreError

    try:
        credentials = _aws_session(values.get("profile") or None).get_credentials()
    except BotoCoreError as exc:
        credentials, reason = None, f" ({exc})"
    else:
        reason = ""
    if credentials is None:
        exceptions.raise_error(
            "AuthenticationError",
            f"missing AWS credentials for provider {provider!r}{reason}: pass aws_access_key_id= and "
            "aws_secret_access_key= (or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use an AWS "
            "profile or role), or an API key (api_key= or AWS_BEARER_TOKEN_BEDROCK)",
            llm_provider=provider,
            model=model,
            status_code=401,
        )
    return credentials


@functools.lru_cache(maxsize=8)
def _aws_session(profile: str | None) -> Any:
    """One botocore session per profile: it caches (and refreshes) the credentials it finds."""
    import botocore.session

    return botocore.session.Session(profile=profile)


SIGNERS: dict[str, Signer] = {"aws_sigv4": aws_sigv4}


def sign(
    name: str, method: str, url: str, headers: dict[str, str], body: bytes | None, **kwargs: Any
) -> dict[str, str]:
    """Apply the signer ``name`` (a spec's ``connection.auth.signer.name``)."""
    return SIGNERS[name](method, url, headers, body, **kwargs)
