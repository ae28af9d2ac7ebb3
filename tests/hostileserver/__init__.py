"""A hostile HTTP server on 127.0.0.1: endless and trickling replies, bombs, absurd JSON.

Usage::

    from tests.hostileserver import HostileServer

    with HostileServer() as server:
        ...  # post to server.base_url + "/v1/responses" with the model "hostile:endless"

The model ``hostile:NAME`` picks the behaviour per request (``python -m tests.hostileserver
--help`` lists them); any other model gets a short normal answer. It checks no key: the
echo scenarios quote back whatever ``x-api-key`` the client sent.
"""

from tests.hostileserver.scenarios import MODEL_PREFIX, NUMBERS, SCENARIOS
from tests.hostileserver.server import HostileServer, RecordedRequest

__all__ = ["MODEL_PREFIX", "NUMBERS", "SCENARIOS", "HostileServer", "RecordedRequest"]
