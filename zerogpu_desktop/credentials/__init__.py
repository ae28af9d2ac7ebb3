"""The API key's storage: the OS keyring only, never a file. No Qt here.

``KeyStore`` is the one entry point; the helpers are exported for diagnostics.
"""

from zerogpu_desktop.credentials.backends import (
    backend_description,
    backend_name,
    is_backend_usable,
    unusable_issue,
)
from zerogpu_desktop.credentials.issues import KeyringIssue
from zerogpu_desktop.credentials.keystore import DEFAULT_SERVICE, DEFAULT_USERNAME, KeyStore
from zerogpu_desktop.credentials.results import (
    KeyDeleteResult,
    KeyLoadResult,
    KeySaveResult,
    KeySource,
)

__all__ = [
    "DEFAULT_SERVICE",
    "DEFAULT_USERNAME",
    "KeyDeleteResult",
    "KeyLoadResult",
    "KeySaveResult",
    "KeySource",
    "KeyStore",
    "KeyringIssue",
    "backend_description",
    "backend_name",
    "is_backend_usable",
    "unusable_issue",
]
