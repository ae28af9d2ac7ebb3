"""A fake ZeroGPU Responses API on 127.0.0.1 for end-to-end tests, with failure scenarios.

Usage::

    from tests.fakeserver import FakeServer, Scenario

    with FakeServer(api_key="test-key", project_id="proj-123") as server:
        server.queue(Scenario.status(503), Scenario.echo())
        ...  # the client under test posts to server.base_url + "/v1/responses"
        assert server.requests[0].headers["x-api-key"] == "test-key"

Run it by hand with ``python -m tests.fakeserver --port 8080``; a model named
``scenario:<name>`` picks a scenario per request (names in
:mod:`tests.fakeserver.names`).
"""

from tests.fakeserver.names import SCENARIO_NAMES, scenario_by_name
from tests.fakeserver.scenarios import Scenario
from tests.fakeserver.server import DEFAULT_API_KEY, DEFAULT_PROJECT_ID, FakeServer
from tests.fakeserver.state import RecordedRequest
from tests.fakeserver.texts import huge_markdown
from tests.fakeserver.tokens import count_tokens

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_PROJECT_ID",
    "SCENARIO_NAMES",
    "FakeServer",
    "RecordedRequest",
    "Scenario",
    "count_tokens",
    "huge_markdown",
    "scenario_by_name",
]
