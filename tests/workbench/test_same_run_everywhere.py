"""One spec, run from the command line and from the window's engine: the same request on the
wire and the same history row (apart from where, when, how long, and the row's id)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import TEST_KEY, TEST_PROJECT
from tests.fakeserver import FakeServer
from tests.workbench.conftest import connection_to
from zerogpu_desktop.app import main
from zerogpu_desktop.storage.calibration import CalibrationStore
from zerogpu_desktop.storage.history.store import HistoryStore
from zerogpu_desktop.storage.history.types import RunRecord
from zerogpu_desktop.storage.history.writer import HistoryWriter
from zerogpu_desktop.storage.settings import SettingsStore
from zerogpu_desktop.workbench.learning import CalibrationBook, ModelMemory
from zerogpu_desktop.workbench.runner import Runner
from zerogpu_desktop.workbench.spec import PromptSpec

SPEC = PromptSpec(
    "m1",
    "Answer as a {{role}}.",
    "Explain {{topic}} in one line; keep \\{{braces}}.",
    {"role": "teacher", "topic": "tides"},
    input_limit=4000,
)


class WriterHistory:
    """The window's way to the history: the writer thread, awaited from the loop."""

    def __init__(self, data_dir: Path) -> None:
        self.writer = HistoryWriter(data_dir)

    async def record(self, record: RunRecord) -> int | None:
        return await asyncio.wrap_future(self.writer.submit(record))


def _comparable(record: RunRecord | None) -> RunRecord:
    assert record is not None
    return replace(record, id=None, created=0.0, duration_seconds=None, source="window")


def test_the_cli_and_the_window_send_and_keep_the_same_run(
    fake_server: FakeServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli_dir, window_dir = tmp_path / "cli", tmp_path / "window"
    window_dir.mkdir()
    monkeypatch.setenv("ZEROGPU_API_KEY", TEST_KEY)
    monkeypatch.setenv("ZEROGPU_PROJECT_ID", TEST_PROJECT)
    monkeypatch.setenv("ZEROGPU_BASE_URL", fake_server.base_url)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    variables = [f"--var={name}={value}" for name, value in SPEC.variables.items()]
    code = main(
        [
            "send",
            "--data-dir",
            str(cli_dir),
            "--model",
            SPEC.model,
            "--system",
            SPEC.system_prompt,
            "--input-limit",
            str(SPEC.input_limit),
            *variables,
            SPEC.user_prompt,
        ]
    )
    assert code == 0, capsys.readouterr().err

    history = WriterHistory(window_dir)
    runner = Runner(  # as the window builds it (ui/run_bridge.py)
        source="window",
        calibration=CalibrationBook(CalibrationStore(window_dir)),
        models=ModelMemory(SettingsStore(window_dir)),
        history=history,
        concurrency=1,
    )

    async def from_the_window() -> int | None:
        outcome = await runner.run(SPEC, connection_to(fake_server))
        await runner.aclose()
        return outcome.history_id

    window_id = asyncio.run(from_the_window())
    history.writer.close()
    assert window_id is not None

    from_cli, from_window = fake_server.requests
    assert from_cli.json == from_window.json
    assert from_cli.json["input"][1]["content"] == ("Explain tides in one line; keep {{braces}}.")
    for header in ("x-api-key", "x-project-id", "content-type", "accept", "accept-encoding"):
        assert from_cli.headers[header] == from_window.headers[header]
    with HistoryStore(cli_dir) as store:
        [cli_summary] = store.page()
        cli_row = store.get(cli_summary.id)
    with HistoryStore(window_dir) as store:
        window_row = store.get(window_id)
    assert cli_row is not None
    assert window_row is not None
    assert (cli_row.source, window_row.source) == ("cli", "window")
    assert _comparable(cli_row) == _comparable(window_row)
