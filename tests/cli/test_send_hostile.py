"""`send` against hostile replies, as a real process: bounded memory, one sentence, no key.

Each run is a child of a small wrapper that reports the child's peak RSS
(`RUSAGE_CHILDREN` of the wrapper covers exactly that one child), compared with the same
command answered normally.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.conftest import subprocess_environment
from tests.hostileserver import HostileServer
from zerogpu_desktop.exit_codes import ExitCode

KEY = "zg-hostile-cli-key-5e0f9d2c7b1a"
#: The issue's bound: a hostile reply may cost at most this much above a normal run.
MEMORY_ALLOWANCE = 150 * 1024 * 1024

_WRAPPER = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[2:], capture_output=True, timeout=60)
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w", encoding="utf-8") as report:
    json.dump({"code": done.returncode, "out": done.stdout.decode("utf-8", "replace"),
               "err": done.stderr.decode("utf-8", "replace"), "peak": peak_kib * 1024}, report)
"""


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    peak_bytes: int


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


def send(server: HostileServer, data_dir: Path, scenario: str, *extra: str) -> Run:
    report = data_dir.parent / f"{data_dir.name}-report.json"
    env = subprocess_environment(server.base_url, data_dir, key=KEY)
    command = [sys.executable, "-m", "zerogpu_desktop", "send", "--data-dir", str(data_dir)]
    command += ["--timeout", "5", "--max-retries", "0", *extra, "--model", scenario, "hi"]
    subprocess.run([sys.executable, "-c", _WRAPPER, str(report), *command], env=env, check=True)
    result = json.loads(report.read_text(encoding="utf-8"))
    return Run(result["code"], result["out"], result["err"], result["peak"])


@pytest.fixture(scope="module")
def idle_peak(server: HostileServer, tmp_path_factory: pytest.TempPathFactory) -> int:
    """The peak RSS of the same command with a normal answer."""
    run = send(server, tmp_path_factory.mktemp("idle"), "hostile:ok")
    assert run.code == ExitCode.OK, run.err
    assert run.out == "A normal answer.\n"
    return run.peak_bytes


def assert_key_nowhere(run: Run, data_dir: Path) -> None:
    assert KEY not in run.out
    assert KEY not in run.err
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


@pytest.mark.parametrize(
    ("scenario", "cap_mb", "words"),
    [
        ("endless", "1", "larger than the 1 MiB reply limit"),
        ("gzip-bomb", "1", "larger than the 1 MiB reply limit"),
        ("stacked-bomb", "1", "compressed more than once"),
        ("nested", "1", "nested more than 1,000 levels deep"),
        ("huge-array", "32", "more than 1,000,000 JSON values"),
        ("many-objects", "16", "more than 100,000 JSON objects and arrays"),
    ],
)
def test_a_hostile_reply_is_bounded_and_explained(
    server: HostileServer,
    tmp_path: Path,
    idle_peak: int,
    scenario: str,
    cap_mb: str,
    words: str,
) -> None:
    data_dir = tmp_path / "data"
    run = send(server, data_dir, f"hostile:{scenario}", "--max-response-mb", cap_mb)
    assert run.code == ExitCode.INVALID_RESPONSE, run.err
    assert words in run.err
    if words.startswith("larger than"):
        assert "--max-response-mb" in run.err
    assert "Traceback" not in run.err
    assert run.out == ""
    assert run.peak_bytes - idle_peak < MEMORY_ALLOWANCE, (
        f"peak {run.peak_bytes / 2**20:.0f} MiB, idle {idle_peak / 2**20:.0f} MiB"
    )
    assert_key_nowhere(run, data_dir)


def test_the_key_echoed_by_the_server_is_in_no_output_and_no_file(
    server: HostileServer, tmp_path: Path
) -> None:
    for scenario in ("echo-key", "echo-key-straddle", "echo-key-cut"):
        data_dir = tmp_path / scenario
        run = send(server, data_dir, f"hostile:{scenario}")
        assert run.code == ExitCode.AUTH, run.err
        assert_key_nowhere(run, data_dir)
        for length in range(8, len(KEY)):
            assert KEY[:length] not in run.err
