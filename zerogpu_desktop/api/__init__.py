"""The ZeroGPU Responses API client: no Qt, usable from scripts, the CLI and tests.

Example:
    async with ZeroGPUClient(api_key, project_id) as client:
        resp = await client.create_response("model-id", [Message("user", "Hi")])
        print(resp.text, resp.usage)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zerogpu_desktop.api.body import DEFAULT_MAX_RESPONSE_BYTES
    from zerogpu_desktop.api.client import (
        DEFAULT_TIMEOUT,
        RetryNotice,
        ZeroGPUClient,
    )
    from zerogpu_desktop.api.defaults import DEFAULT_BASE_URL
    from zerogpu_desktop.api.errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ContextLengthExceededError,
        InsecureTransportError,
        InvalidResponseError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        RequestRefusedError,
        ResponseTooLargeError,
        ServerError,
        UnprocessableEntityError,
        ZeroGPUError,
    )
    from zerogpu_desktop.api.models import Message, Response, Usage
    from zerogpu_desktop.api.retry import RetryPolicy

#: Where each public name lives. Importing this package (which every import of
#: api.tokens or api.errors does) loads no httpx until a name is used: the HTTP
#: stack waits until after the first frame (ui/launch.py says why).
_HOMES = {
    "DEFAULT_BASE_URL": "defaults",
    "DEFAULT_MAX_RESPONSE_BYTES": "body",
    "DEFAULT_TIMEOUT": "client",
    "RetryNotice": "client",
    "ZeroGPUClient": "client",
    "Message": "models",
    "Response": "models",
    "Usage": "models",
    "RetryPolicy": "retry",
}


def __getattr__(name: str) -> Any:
    module = _HOMES.get(name, "errors" if name in __all__ else None)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ContextLengthExceededError",
    "InsecureTransportError",
    "InvalidResponseError",
    "Message",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestRefusedError",
    "Response",
    "ResponseTooLargeError",
    "RetryNotice",
    "RetryPolicy",
    "ServerError",
    "UnprocessableEntityError",
    "Usage",
    "ZeroGPUClient",
    "ZeroGPUError",
]
