"""Where a headless command finds its data folder, settings and key.

The merge of these into a connection is `workbench.resolve_connection`, the same as the
window's.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from zerogpu_desktop.credentials import KeyStore
from zerogpu_desktop.overrides import ENV_BASE_URL, RunOverrides
from zerogpu_desktop.safe_text import has_space_or_unprintable
from zerogpu_desktop.storage import Settings, SettingsStore, resolve_data_dir


class UsageError(Exception):
    """Configuration the user must supply before the command can run."""


@dataclass(frozen=True)
class CommandContext:
    """Everything resolved once for a command run."""

    data_dir: Path
    settings: Settings
    overrides: RunOverrides
    #: Why the settings file was not used (it was damaged and moved aside, or unreadable).
    settings_problem: str | None = None

    @classmethod
    def from_args(
        cls, args: argparse.Namespace, environ: Mapping[str, str] | None = None
    ) -> CommandContext:
        environ = os.environ if environ is None else environ
        data_dir = resolve_data_dir(getattr(args, "data_dir", None), environ)
        settings = SettingsStore(data_dir).read()
        overrides = RunOverrides.from_environment(
            environ,
            base_url_flag=getattr(args, "base_url", None),
            demo=bool(getattr(args, "demo", False)),
        )
        if overrides.base_url and has_space_or_unprintable(overrides.base_url):
            # The flag's argument type refuses these; the environment has no parser.
            raise UsageError(
                f"The base URL in {ENV_BASE_URL} contains a space, a line break or a control "
                "character: set it as https://host[:port]."
            )
        return cls(data_dir, settings.value, overrides, settings.problem)

    def load_api_key(self, key_store: KeyStore | None = None) -> tuple[str | None, str | None]:
        """The key from the environment, else from the OS keyring (bounded wait).

        Returns:
            The key (None when there is none), and why the keyring gave none, if it said.
        """
        if self.overrides.demo:
            return None, None  # the demo has its own placeholder key; the real one stays put
        if self.overrides.api_key:
            return self.overrides.api_key, None
        result = (key_store or KeyStore()).load_blocking()
        return (result.key or None), result.problem
