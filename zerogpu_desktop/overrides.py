"""Per-run overrides from the environment and flags, never saved.

Tests and automation point the app at another server or project for one
run without touching the user's settings; the key may come from
`ZEROGPU_API_KEY` for the same reason (CI has no keyring entry).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ENV_API_KEY", "ENV_BASE_URL", "ENV_PROJECT_ID", "RunOverrides"]

ENV_API_KEY = "ZEROGPU_API_KEY"
ENV_PROJECT_ID = "ZEROGPU_PROJECT_ID"
ENV_BASE_URL = "ZEROGPU_BASE_URL"


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


@dataclass(frozen=True, slots=True)
class RunOverrides:
    """What this run uses instead of the saved settings and the keyring."""

    base_url: str | None = None
    project_id: str | None = None
    api_key: str | None = field(default=None, repr=False)
    #: Where `base_url` came from ("--base-url" or the variable's name), for Settings to say.
    base_url_source: str | None = None
    #: This session's runs go to the built-in offline demo instead (`--demo`).
    demo: bool = False

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str], *, base_url_flag: str | None = None, demo: bool = False
    ) -> RunOverrides:
        """The flag wins over the environment for the base URL; `--demo` over both."""
        flag, variable = _clean(base_url_flag), _clean(environ.get(ENV_BASE_URL))
        return cls(
            base_url=flag or variable,
            project_id=_clean(environ.get(ENV_PROJECT_ID)),
            api_key=_clean(environ.get(ENV_API_KEY)),
            base_url_source="--base-url" if flag else ENV_BASE_URL if variable else None,
            demo=demo,
        )

    def __repr__(self) -> str:
        key_state = "set" if self.api_key else "unset"
        return (
            f"RunOverrides(base_url={self.base_url!r}, project_id={self.project_id!r}, "
            f"api_key={key_state}{', demo' if self.demo else ''})"
        )
