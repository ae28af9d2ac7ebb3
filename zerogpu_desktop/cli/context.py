"""Where a headless command finds its data folder, settings, key and project."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from zerogpu_desktop.credentials import KeyStore
from zerogpu_desktop.overrides import ENV_API_KEY, ENV_BASE_URL, ENV_PROJECT_ID, RunOverrides
from zerogpu_desktop.safe_text import has_unsafe_characters
from zerogpu_desktop.storage import Settings, SettingsStore, resolve_data_dir


class UsageError(Exception):
    """Configuration the user must supply before the command can run."""


@dataclass(frozen=True)
class CommandContext:
    """Everything resolved once for a command run."""

    data_dir: Path
    settings: Settings
    overrides: RunOverrides

    @classmethod
    def from_args(
        cls, args: argparse.Namespace, environ: Mapping[str, str] | None = None
    ) -> CommandContext:
        environ = os.environ if environ is None else environ
        data_dir = resolve_data_dir(getattr(args, "data_dir", None), environ)
        settings = SettingsStore(data_dir).load()
        overrides = RunOverrides.from_environment(
            environ, base_url_flag=getattr(args, "base_url", None)
        )
        if overrides.base_url and (
            has_unsafe_characters(overrides.base_url)
            or any(char.isspace() for char in overrides.base_url)
        ):
            # The flag's argument type refuses these; the environment has no parser.
            raise UsageError(
                f"The base URL in {ENV_BASE_URL} contains a space, a line break or a control "
                "character: set it as https://host[:port]."
            )
        return cls(data_dir, settings, overrides)

    @property
    def base_url(self) -> str:
        return self.overrides.base_url or self.settings.base_url

    def project_id(self) -> str:
        project = self.overrides.project_id or self.settings.project_id
        if not project:
            raise UsageError(
                f"No project ID: set {ENV_PROJECT_ID} or enter it in the app's Settings."
            )
        return project

    def api_key(self, key_store: KeyStore | None = None) -> str:
        """The key from the environment, else from the OS keyring (bounded wait)."""
        if self.overrides.api_key:
            return self.overrides.api_key
        result = (key_store or KeyStore()).load_blocking()
        if result.key:
            return result.key
        hint = f" ({result.problem})" if result.problem else ""
        raise UsageError(
            f"No API key: set {ENV_API_KEY} or save the key in the app's Settings{hint}."
        )
