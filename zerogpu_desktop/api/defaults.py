"""Where requests go when nothing else is configured.

A module of its own, free of httpx, so that Settings (in ``storage``) can default to the
same address as the client without loading the HTTP stack.
"""

from __future__ import annotations

__all__ = ["DEFAULT_BASE_URL"]

DEFAULT_BASE_URL = "https://api.zerogpu.ai"
