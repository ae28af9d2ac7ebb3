"""Decide whether a keyring backend may hold the API key, and describe it for people.

keyring happily returns backends that cannot keep a secret (``fail``, ``null``) or keep it in
a plain file (keyrings.alt). This module is the single place that says which ones we refuse
and why, used both by ``KeyStore`` and by diagnostics.
"""

from __future__ import annotations

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from zerogpu_desktop.credentials.issues import KeyringIssue

_PLAINTEXT_MODULE_PREFIX = "keyrings.alt"


def backend_name(backend: KeyringBackend) -> str:
    """Return keyring's display name for ``backend``, e.g. "SecretService Keyring"."""
    try:
        name = type(backend).name
    except Exception:  # a third-party classproperty may fail; the class name still helps
        return type(backend).__name__
    return name if isinstance(name, str) and name else type(backend).__name__


def unusable_issue(backend: KeyringBackend) -> KeyringIssue | None:
    """Say why ``backend`` must not hold the key, or None when it may.

    Refused: the ``fail`` backend (no keyring at all), the ``null`` backend (drops every
    secret), anything from keyrings.alt or named "Plaintext" (the key would sit in a file),
    and a chain that contains any of these or nothing at all.
    """
    if isinstance(backend, chainer.ChainerBackend):
        members = list(backend.backends)
        if not members:
            return KeyringIssue.NO_KEYRING
        issues = [unusable_issue(member) for member in members]
        return next((issue for issue in issues if issue is not None), None)
    if isinstance(backend, fail.Keyring):
        return KeyringIssue.NO_KEYRING
    if isinstance(backend, null.Keyring):
        return KeyringIssue.DISABLED
    if _is_plaintext(backend):
        return KeyringIssue.PLAINTEXT
    return None


def is_backend_usable(backend: KeyringBackend) -> bool:
    """Return True if ``backend`` may be trusted to store the API key."""
    return unusable_issue(backend) is None


def usable_member(backend: KeyringBackend) -> KeyringBackend:
    """Return a backend we can use in place of ``backend``, or ``backend`` itself.

    When keyring's default is a chain (several backends installed) and the chain holds a
    refused one, writes could land in a plain file. Using the chain's best usable member
    keeps the secure backend the user has, instead of refusing to store anything.
    """
    if not isinstance(backend, chainer.ChainerBackend) or is_backend_usable(backend):
        return backend
    members: list[KeyringBackend] = list(backend.backends)
    return next((member for member in members if is_backend_usable(member)), backend)


def backend_description(backend: KeyringBackend | None = None) -> str:
    """Describe ``backend`` (default: keyring's configured one) in one line for diagnostics.

    Calling this without an argument may block while keyring probes D-Bus; CLI diagnostics
    can afford that, the GUI should ask ``KeyStore`` instead.
    """
    if backend is None:
        backend = keyring.get_keyring()
    cls = type(backend)
    where = f"{cls.__module__}.{cls.__qualname__}"
    try:
        where += f", priority {cls.priority:g}"
    except Exception as exc:  # priority raises when the backend is not viable here
        where += f", not viable: {type(exc).__name__}"
    issue = unusable_issue(backend)
    verdict = "usable" if issue is None else f"refused ({issue.short})"
    description = f"{backend_name(backend)} ({where}): {verdict}"
    if isinstance(backend, chainer.ChainerBackend):
        members = ", ".join(backend_name(m) for m in backend.backends) or "no members"
        description += f"; chain of: {members}"
    return description


def _is_plaintext(backend: KeyringBackend) -> bool:
    """True for keyrings.alt backends (and subclasses) or anything calling itself plaintext."""
    for cls in type(backend).__mro__:
        module = getattr(cls, "__module__", "") or ""
        if module == _PLAINTEXT_MODULE_PREFIX or module.startswith(_PLAINTEXT_MODULE_PREFIX + "."):
            return True
        if "plaintext" in cls.__name__.lower():
            return True
    return False
