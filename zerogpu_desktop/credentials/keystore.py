"""The API key's only home: the OS keyring, or this process's memory when there is none.

Every keyring call runs on its own daemon thread with a time bound (see
``zerogpu_desktop.background``), so a locked Secret Service can neither freeze the GUI nor
hold up interpreter shutdown. Failures never raise: they come back as results carrying a
sentence for the user, and the key is kept in memory for the session so the user can still
work.
"""

from __future__ import annotations

import contextlib
import logging
import threading

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from zerogpu_desktop import background
from zerogpu_desktop.credentials.backends import backend_name, unusable_issue, usable_member
from zerogpu_desktop.credentials.issues import (
    Action,
    KeyringIssue,
    classify,
    problem_sentence,
    technical_detail,
)
from zerogpu_desktop.credentials.results import (
    KeyDeleteResult,
    KeyLoadResult,
    KeySaveResult,
    KeySource,
)

_log = logging.getLogger(__name__)

DEFAULT_SERVICE = "zerogpu-desktop"
DEFAULT_USERNAME = "api-key"
_UNRESOLVED_NAME = "the system keyring"


class KeyStore:
    """Loads, saves and deletes the API key, off the calling thread and within ``timeout``.

    Each operation exists twice: ``await store.load()`` for the GUI's event loop and
    ``store.load_blocking()`` for the CLI. Both use the same worker code.

    Attributes:
        service: keyring service name the key is stored under.
        username: keyring user name the key is stored under.
        timeout: Seconds one operation may take before it is reported as hung.
    """

    def __init__(
        self,
        service: str = DEFAULT_SERVICE,
        username: str = DEFAULT_USERNAME,
        backend: KeyringBackend | None = None,
        timeout: float = 5.0,
    ) -> None:
        """Create a store; nothing touches the keyring until the first operation.

        Args:
            service: keyring service name; tests pass a unique one.
            username: keyring user name.
            backend: The backend to use; None means keyring's configured default, looked
                up on the worker thread on first use because that lookup can block too.
            timeout: Seconds before an operation is abandoned and reported as hung.
        """
        if not timeout > 0:
            raise ValueError("timeout must be a positive number of seconds")
        self.service = service
        self.username = username
        self.timeout = timeout
        self._backend: KeyringBackend | None = backend
        self._resolve_lock = threading.Lock()
        self._session_key: str | None = None
        self._session_save: KeySaveResult | None = None

    def __repr__(self) -> str:
        return (
            f"KeyStore(service={self.service!r}, username={self.username!r}, "
            f"backend={self.backend_name!r}, timeout={self.timeout:g}, "
            f"has_session_key={self._session_key is not None})"
        )

    __str__ = __repr__

    @property
    def session_key(self) -> str | None:
        """The key kept in memory because the keyring could not store it, else None."""
        return self._session_key

    @property
    def backend_name(self) -> str:
        """keyring's name of the backend in use, once known (e.g. "SecretService Keyring")."""
        backend = self._backend
        return backend_name(backend) if backend is not None else _UNRESOLVED_NAME

    # -- async API (GUI) -----------------------------------------------------------------

    async def load(self) -> KeyLoadResult:
        """Return the key: this session's unsaved key first, else the keyring's, else None.

        A session key wins over the keyring because it only exists when the user's newest
        key could not be stored; the keyring may still hold an older, stale one.
        """
        if self._session_key is not None:
            return self._session_load_result()
        try:
            result = await background.run(
                self._load_now, timeout=self.timeout, name=self._name("load")
            )
        except TimeoutError:
            result = self._timed_out_load()
        return self._finish_load(result)

    async def save(self, key: str) -> KeySaveResult:
        """Store ``key`` in the keyring, verified by reading it back.

        Args:
            key: The API key; surrounding whitespace (a pasted newline) is removed.

        Returns:
            The outcome; when ``stored_in_keyring`` is False the key is kept for this
            session only and ``problem`` says why and what to do.

        Raises:
            ValueError: ``key`` is empty. The message never contains the key.
        """
        key = _clean_key(key)
        try:
            result = await background.run(
                self._save_now, key, timeout=self.timeout, name=self._name("save")
            )
        except TimeoutError:
            result = self._timed_out_save()
        return self._finish_save(key, result)

    async def delete(self) -> KeyDeleteResult:
        """Forget the key: the session copy at once, and the keyring entry if possible."""
        self._forget_session_key()
        try:
            result = await background.run(
                self._delete_now, timeout=self.timeout, name=self._name("delete")
            )
        except TimeoutError:
            result = self._timed_out_delete()
        return result

    # -- blocking API (CLI) --------------------------------------------------------------

    def load_blocking(self) -> KeyLoadResult:
        """Like ``load`` but waits on the calling thread (still bounded by ``timeout``)."""
        if self._session_key is not None:
            return self._session_load_result()
        try:
            result = background.run_blocking(
                self._load_now, timeout=self.timeout, name=self._name("load")
            )
        except TimeoutError:
            result = self._timed_out_load()
        return self._finish_load(result)

    def save_blocking(self, key: str) -> KeySaveResult:
        """Like ``save`` but waits on the calling thread (still bounded by ``timeout``)."""
        key = _clean_key(key)
        try:
            result = background.run_blocking(
                self._save_now, key, timeout=self.timeout, name=self._name("save")
            )
        except TimeoutError:
            result = self._timed_out_save()
        return self._finish_save(key, result)

    def delete_blocking(self) -> KeyDeleteResult:
        """Like ``delete`` but waits on the calling thread (still bounded by ``timeout``)."""
        self._forget_session_key()
        try:
            return background.run_blocking(
                self._delete_now, timeout=self.timeout, name=self._name("delete")
            )
        except TimeoutError:
            return self._timed_out_delete()

    # -- work done on the worker thread --------------------------------------------------

    def _resolve_backend(self) -> KeyringBackend:
        with self._resolve_lock:
            if self._backend is None:
                self._backend = usable_member(keyring.get_keyring())
            return self._backend

    def _load_now(self) -> KeyLoadResult:
        try:
            backend = self._resolve_backend()
            name = backend_name(backend)
            issue = unusable_issue(backend)
            if issue is not None:
                return self._load_failure(issue, name, None)
            value = backend.get_password(self.service, self.username)
        except Exception as exc:
            return self._load_failure(classify(exc), self.backend_name, technical_detail(exc, None))
        if not value:
            return KeyLoadResult(key=None, source=KeySource.NONE, backend_name=name)
        return KeyLoadResult(key=value, source=KeySource.KEYRING, backend_name=name)

    def _save_now(self, key: str) -> KeySaveResult:
        try:
            backend = self._resolve_backend()
            name = backend_name(backend)
            issue = unusable_issue(backend)
            if issue is not None:
                return self._save_failure(issue, name, None)
            backend.set_password(self.service, self.username, key)
            read_back = backend.get_password(self.service, self.username)
        except Exception as exc:
            return self._save_failure(classify(exc), self.backend_name, technical_detail(exc, key))
        if read_back != key:
            # The null backend and some broken setups accept a write and keep nothing.
            detail = "read back nothing" if read_back is None else "read back a different value"
            return self._save_failure(KeyringIssue.NOT_KEPT, name, detail)
        return KeySaveResult(stored_in_keyring=True, backend_name=name)

    def _delete_now(self) -> KeyDeleteResult:
        try:
            backend = self._resolve_backend()
            name = backend_name(backend)
            issue = unusable_issue(backend)
            if issue is not None:
                return self._delete_failure(issue, name, None)
            # Usually "no such password"; reading back below tells the truth either way.
            with contextlib.suppress(PasswordDeleteError):
                backend.delete_password(self.service, self.username)
            remaining = backend.get_password(self.service, self.username)
        except Exception as exc:
            return self._delete_failure(
                classify(exc), self.backend_name, technical_detail(exc, None)
            )
        if remaining is not None:
            return self._delete_failure(KeyringIssue.ERROR, name, "the key is still there")
        return KeyDeleteResult(removed_from_keyring=True, backend_name=name)

    # -- building results ----------------------------------------------------------------

    def _problem(self, issue: KeyringIssue, action: Action, name: str) -> str:
        return problem_sentence(issue, action, name, timeout=self.timeout)

    def _log_issue(
        self, action: Action, issue: KeyringIssue, name: str, detail: str | None
    ) -> None:
        _log.warning("Keyring %s failed (%s): %s; %s", action, name, issue.short, detail or "-")

    def _load_failure(self, issue: KeyringIssue, name: str, detail: str | None) -> KeyLoadResult:
        self._log_issue("load", issue, name, detail)
        return KeyLoadResult(
            key=None,
            source=KeySource.NONE,
            backend_name=name,
            problem=self._problem(issue, "load", name),
            issue=issue,
            detail=detail,
        )

    def _save_failure(self, issue: KeyringIssue, name: str, detail: str | None) -> KeySaveResult:
        self._log_issue("save", issue, name, detail)
        return KeySaveResult(
            stored_in_keyring=False,
            backend_name=name,
            problem=self._problem(issue, "save", name),
            issue=issue,
            detail=detail,
        )

    def _delete_failure(
        self, issue: KeyringIssue, name: str, detail: str | None
    ) -> KeyDeleteResult:
        self._log_issue("delete", issue, name, detail)
        return KeyDeleteResult(
            removed_from_keyring=False,
            backend_name=name,
            problem=self._problem(issue, "delete", name),
            issue=issue,
            detail=detail,
        )

    def _timed_out_load(self) -> KeyLoadResult:
        return self._load_failure(KeyringIssue.TIMEOUT, self.backend_name, self._late())

    def _timed_out_save(self) -> KeySaveResult:
        return self._save_failure(KeyringIssue.TIMEOUT, self.backend_name, self._late())

    def _timed_out_delete(self) -> KeyDeleteResult:
        return self._delete_failure(KeyringIssue.TIMEOUT, self.backend_name, self._late())

    def _late(self) -> str:
        return f"no answer after {self.timeout:g} s"

    def _finish_load(self, result: KeyLoadResult) -> KeyLoadResult:
        # A save may have failed while this load was in flight.
        if result.key is None and self._session_key is not None:
            return self._session_load_result()
        return result

    def _finish_save(self, key: str, result: KeySaveResult) -> KeySaveResult:
        if result.stored_in_keyring:
            self._forget_session_key()
        else:
            self._session_key = key
            self._session_save = result
        return result

    def _session_load_result(self) -> KeyLoadResult:
        failed_save = self._session_save
        return KeyLoadResult(
            key=self._session_key,
            source=KeySource.SESSION,
            backend_name=failed_save.backend_name if failed_save else self.backend_name,
            problem=failed_save.problem if failed_save else None,
            issue=failed_save.issue if failed_save else None,
            detail=failed_save.detail if failed_save else None,
        )

    def _forget_session_key(self) -> None:
        self._session_key = None
        self._session_save = None

    def _name(self, action: Action) -> str:
        return f"zerogpu-keyring-{action}"


def _clean_key(key: str) -> str:
    """Strip a pasted key; reject an empty one without ever quoting it."""
    if not isinstance(key, str):
        raise TypeError("the API key must be a str")
    cleaned = key.strip()
    if not cleaned:
        raise ValueError("The API key is empty.")
    return cleaned


__all__ = ["DEFAULT_SERVICE", "DEFAULT_USERNAME", "KeyStore"]
