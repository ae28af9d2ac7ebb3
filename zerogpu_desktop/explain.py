"""The one place that turns an exception into words a person can act on.

The window's status line, its error banner and the CLI all go through
`explain`, so a failure reads the same everywhere and never surfaces as
a bare `str(exc)` (httpx's timeouts stringify to nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

from zerogpu_desktop.api.redaction import redact

__all__ = ["Explanation", "explain"]


@dataclass(frozen=True, slots=True)
class Explanation:
    """A failure for people: a short title, what happened, and what to do next."""

    title: str
    sentence: str
    fix: str

    def as_line(self) -> str:
        """Everything on one line, for a status bar or stderr."""
        return f"{self.title}: {self.sentence} {self.fix}".strip()


def _status_explanation(exc: BaseException) -> Explanation:
    from zerogpu_desktop.api import errors as api_errors

    assert isinstance(exc, api_errors.APIStatusError)
    detail = exc.message
    if isinstance(exc, api_errors.AuthenticationError):
        return Explanation(
            "API key not accepted",
            "The server rejected your API key.",
            "Check your API key in Settings (copy it again from your ZeroGPU dashboard).",
        )
    if isinstance(exc, api_errors.PermissionDeniedError):
        return Explanation(
            "Access denied",
            "Your key may not use this project or model.",
            "Check the project ID in Settings and that the model belongs to that project.",
        )
    if isinstance(exc, api_errors.ContextLengthExceededError):
        return Explanation(
            "Input too long",
            "The model refused the input: it is longer than the model's context length.",
            "Shorten the system or user prompt and send again.",
        )
    if isinstance(exc, api_errors.RateLimitError):
        wait = (
            f"Wait about {exc.retry_after:.0f} s and send again."
            if exc.retry_after
            else "Wait a moment and send again."
        )
        return Explanation("Rate limited", "Too many requests for your plan right now.", wait)
    if isinstance(exc, api_errors.ServerError):
        return Explanation(
            "Server error",
            f"The ZeroGPU service failed to answer ({detail}).",
            "This is usually temporary: try again in a minute.",
        )
    if isinstance(exc, api_errors.NotFoundError):
        return Explanation(
            "Not found",
            f"The server did not find what was asked for ({detail}).",
            "Check the model ID and the base URL in Settings.",
        )
    if isinstance(exc, api_errors.BadRequestError | api_errors.UnprocessableEntityError):
        return Explanation(
            "Request rejected",
            f"The server rejected the request ({detail}).",
            "Check the model ID and the prompts, then send again.",
        )
    return Explanation(
        "Request failed",
        f"The server answered with an error ({detail}).",
        "Try again; if it persists, check Settings.",
    )


def explain(exc: BaseException) -> Explanation:
    """Returns the words for any failure the app can meet; never empty, never the key."""
    explanation = _explain(exc)
    return Explanation(
        redact(explanation.title), redact(explanation.sentence), redact(explanation.fix)
    )


def _explain(exc: BaseException) -> Explanation:
    # The error classes load with the first failure, not with the window.
    from zerogpu_desktop.api import errors as api_errors

    if isinstance(exc, api_errors.APIStatusError):
        return _status_explanation(exc)
    if isinstance(exc, api_errors.APITimeoutError):
        return Explanation(
            "Timed out",
            exc.message,
            "The model may be busy: send again, or raise the timeout in Settings.",
        )
    if isinstance(exc, api_errors.APIConnectionError):
        return Explanation(
            "Network problem",
            exc.message,
            "Check your internet connection and the base URL in Settings, then send again.",
        )
    if isinstance(exc, api_errors.InvalidResponseError):
        return Explanation(
            "Unreadable answer",
            exc.message,
            "The service or a proxy sent something unexpected: try again in a moment.",
        )
    if isinstance(exc, api_errors.InsecureTransportError):
        return Explanation("Insecure address", exc.message, "Use an https:// base URL in Settings.")
    if isinstance(exc, api_errors.RequestRefusedError):
        return Explanation("Cannot send", exc.message, "")
    if isinstance(exc, api_errors.ZeroGPUError):
        return Explanation("Request failed", exc.message, "Try again.")
    if isinstance(exc, PermissionError):
        return Explanation(
            "No permission",
            f"The app may not write to {exc.filename or 'a file it needs'}.",
            "Check the folder's permissions, or choose another data folder with --data-dir.",
        )
    if isinstance(exc, OSError):
        return Explanation(
            "System error",
            f"{exc.strerror or type(exc).__name__}"
            + (f" ({exc.filename})" if exc.filename else "")
            + ".",
            "Check free disk space and permissions, then try again.",
        )
    text = str(exc).strip() or type(exc).__name__
    return Explanation(
        "Unexpected error",
        f"Something went wrong inside the app: {text}.",
        "Your prompts are kept. The details are in the log file in the data folder.",
    )
