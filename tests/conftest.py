"""Shared fixtures, and the rule that CI never silently skips a test that needs a system part."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.fakeserver import FakeServer
from tests.system_services import SystemServices, start_secret_service, start_xvfb

TEST_KEY = "zg-test-key-7c1f0e9a4b2d"
TEST_PROJECT = "6f1c2a9e-0b7d-4e5f-9a3c-1d2e3f4a5b6c"

#: Markers for tests that need something from the machine (a Secret Service, a display).
SYSTEM_MARKERS = ("keyring_real", "display")


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    """A real HTTP server on 127.0.0.1 that accepts only TEST_KEY and TEST_PROJECT."""
    with FakeServer(api_key=TEST_KEY, project_id=TEST_PROJECT) as server:
        yield server


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI=true a skipped system test is a failure: CI must install what it needs."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") != "true" or not report.skipped:
        return
    if any(item.get_closest_marker(name) for name in SYSTEM_MARKERS):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI, where it must run: {reason}"


_services: SystemServices | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Starts Xvfb and a Secret Service before any QApplication exists, where possible."""
    global _services
    _services = SystemServices()
    if not os.environ.get("DISPLAY") and not start_xvfb(_services):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        start_secret_service(_services)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _services is not None:
        _services.stop()
