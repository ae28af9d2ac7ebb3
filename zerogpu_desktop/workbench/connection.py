"""`Connection`: where and how runs are sent, resolved once from settings, environment and flags.

The window and the command line used to merge these each in their own way; now
`resolve_connection` is the one merge, and a `Connection` is what the `Runner` keys its
client pool on (two runs with equal connections share one connection pool).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from zerogpu_desktop.overrides import RunOverrides
from zerogpu_desktop.storage.settings import Settings

__all__ = ["MIB", "Connection", "resolve_connection"]

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Connection:
    """Everything a client needs besides the prompt. The key is never shown by `repr`.

    Attributes:
        api_key: The API key ("" when none is known yet).
        project_id: The project ID ("" when none is set).
        base_url: The API's base URL.
        connect_timeout: Seconds to wait for a connection.
        timeout: The deadline of each attempt, from connect to the last byte.
        max_retries: Retries of transient failures.
        max_response_bytes: The largest decoded reply accepted.
        demo: The runs go to the built-in offline demo, with its placeholder key: they are
            kept in the history, marked, but teach nothing and count for no usage.
    """

    api_key: str = field(repr=False)
    project_id: str
    base_url: str
    connect_timeout: float
    timeout: float
    max_retries: int
    max_response_bytes: int
    demo: bool = False

    def __repr__(self) -> str:
        key_state = "set" if self.api_key else "unset"
        return (
            f"Connection(base_url={self.base_url!r}, project_id={self.project_id!r}, "
            f"api_key={key_state}, timeout={self.timeout:g}, max_retries={self.max_retries}"
            f"{', demo' if self.demo else ''})"
        )


def resolve_connection(
    settings: Settings,
    overrides: RunOverrides,
    *,
    api_key: str | None,
    timeout: float | None = None,
    max_retries: int | None = None,
    max_response_mb: int | None = None,
) -> Connection:
    """The one merge: a flag wins over the environment, which wins over Settings.

    Args:
        settings: The saved settings.
        overrides: The environment's and `--base-url`'s values for this run.
        api_key: The key from the key session or the keyring, if any; the environment's
            `ZEROGPU_API_KEY` wins over it.
        timeout, max_retries, max_response_mb: command-line flags, None when not given.

    In demo mode (`overrides.demo`) the base URL is the built-in demo's, started now if it is
    not running, and the key and project are its placeholders: the user's key never goes
    there.
    """
    connection = Connection(
        api_key=(overrides.api_key or api_key or "").strip(),
        project_id=(overrides.project_id or settings.project_id).strip(),
        base_url=(overrides.base_url or settings.base_url).strip(),
        connect_timeout=settings.connect_timeout,
        timeout=settings.read_timeout if timeout is None else timeout,
        max_retries=settings.max_retries if max_retries is None else max_retries,
        max_response_bytes=(
            settings.max_response_mb if max_response_mb is None else max_response_mb
        )
        * MIB,
    )
    if not overrides.demo:
        return connection
    from zerogpu_desktop.demo.server import DEMO_KEY, DEMO_PROJECT, shared_demo_server

    return replace(
        connection,
        api_key=DEMO_KEY,
        project_id=DEMO_PROJECT,
        base_url=shared_demo_server().base_url,
        max_retries=0,
        demo=True,
    )
