"""The part of `diagnose` about configuration: what a first run needs, and where it comes from.

A first `send` fails for want of a key, a project ID or a reachable base URL far more often
than for a broken installation, and "which of my settings won?" is the question. So each
line says whether the value is set and where it comes from. The key itself never appears,
not even a prefix: a report is made to be pasted into a bug tracker.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING

from zerogpu_desktop.cli.diagnose import Check, Level
from zerogpu_desktop.overrides import ENV_API_KEY, ENV_BASE_URL, ENV_PROJECT_ID, RunOverrides
from zerogpu_desktop.safe_text import safe_for_display

if TYPE_CHECKING:
    from zerogpu_desktop.credentials import KeyStore
    from zerogpu_desktop.storage import Settings


def _settings(args: argparse.Namespace, environ: Mapping[str, str]) -> tuple[Settings, str | None]:
    """The settings a run would use, and why the file was not used, if it was not."""
    from zerogpu_desktop.storage import Settings, SettingsStore, resolve_data_dir

    try:
        loaded = SettingsStore(resolve_data_dir(getattr(args, "data_dir", None), environ)).read()
    except OSError:  # the data-folder check reports why; defaults are what a run would get
        return Settings(), None
    return loaded.value, loaded.problem


def _key_check(overrides: RunOverrides, key_store: KeyStore | None) -> Check:
    if overrides.api_key:
        return Check(
            "api key", Level.OK, f"set (from the {ENV_API_KEY} environment variable)", "environment"
        )
    from zerogpu_desktop.credentials import KeyStore

    result = (key_store or KeyStore()).load_blocking()
    if result.key:
        return Check("api key", Level.OK, "set (in the system keyring)", "keyring")
    why = f" ({result.problem})" if result.problem else ""
    return Check(
        "api key",
        Level.WARN,
        f"not set{why}: save it in the app's Settings or set {ENV_API_KEY}",
        "none",
    )


def _project_check(overrides: RunOverrides, settings: Settings) -> Check:
    if overrides.project_id:
        return Check(
            "project id",
            Level.OK,
            f"set (from the {ENV_PROJECT_ID} environment variable)",
            "environment",
        )
    if settings.project_id:
        return Check("project id", Level.OK, "set (in Settings)", "settings")
    return Check(
        "project id",
        Level.WARN,
        f"not set: enter it in the app's Settings or set {ENV_PROJECT_ID}",
        "none",
    )


def _base_url_check(
    args: argparse.Namespace, environ: Mapping[str, str], settings: Settings
) -> Check:
    from zerogpu_desktop.api.client import validate_base_url
    from zerogpu_desktop.api.errors import RequestRefusedError
    from zerogpu_desktop.explain import explain
    from zerogpu_desktop.storage import DEFAULT_BASE_URL

    flag = getattr(args, "base_url", None)
    overrides = RunOverrides.from_environment(environ, base_url_flag=flag)
    if overrides.base_url and flag and flag.strip():
        url, source, where = overrides.base_url, "flag", "from --base-url"
    elif overrides.base_url:
        url, source, where = overrides.base_url, "environment", f"from {ENV_BASE_URL}"
    elif settings.base_url != DEFAULT_BASE_URL:
        url, source, where = settings.base_url, "settings", "from Settings"
    else:
        url, source, where = DEFAULT_BASE_URL, "default", "the default"
    if url.rstrip("/") == DEFAULT_BASE_URL and source != "default":
        where += ", the default"
    shown = safe_for_display(url)
    try:
        validate_base_url(url)
    except RequestRefusedError as exc:
        words = explain(exc)
        return Check(
            "base url", Level.WARN, f"{shown} ({where}): {words.sentence} {words.fix}", source
        )
    return Check("base url", Level.OK, f"{shown} ({where})", source)


def configuration_checks(
    args: argparse.Namespace,
    environ: Mapping[str, str],
    key_store: KeyStore | None = None,
) -> list[Check]:
    """The settings file if it was damaged, then the key, the project ID and the base URL:
    set or not, and from where."""
    overrides = RunOverrides.from_environment(
        environ, base_url_flag=getattr(args, "base_url", None)
    )
    settings, problem = _settings(args, environ)
    checks = [] if problem is None else [Check("settings file", Level.WARN, problem, "file")]
    return [
        *checks,
        _key_check(overrides, key_store),
        _project_check(overrides, settings),
        _base_url_check(args, environ, settings),
    ]
