"""An installed wheel (`pip install .`, not editable) finds its icons and .desktop file.

The wheel is built from a copy of the sources and installed with --no-deps into a fresh venv;
`zerogpu_desktop.assets` is then asked, from a Python started in isolated mode in an
unrelated folder, where its resources are. They must resolve inside that venv's
site-packages, never in this checkout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
#: What the app looks up at run time (ui/launch.py) and what a desktop integration installs.
REQUIRED = [
    "zerogpu-desktop.desktop",
    "icons/zerogpu-desktop-256.png",
    "icons/zerogpu-desktop.ico",
    "icons/zerogpu-desktop.icns",
]
PROBE = """
import json, sysconfig
from zerogpu_desktop import assets
print(json.dumps({
    "purelib": sysconfig.get_paths()["purelib"],
    "assets": assets.__file__,
    "resources_dir": str(assets.resources_dir()),
    "files": sorted(
        str(p.relative_to(assets.resources_dir()))
        for p in assets.resources_dir().rglob("*") if p.is_file()
    ),
    "required": {name: str(assets.resource_path(name)) for name in %r},
}))
"""


def run(command: list[str], cwd: Path) -> str:
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def copy_sources(target: Path) -> Path:
    """The files a wheel is built from, without build/, *.egg-info or caches of the checkout."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "screenshots")
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO_ROOT / name, target / name)
    for name in ("zerogpu_desktop", "resources"):
        shutil.copytree(REPO_ROOT / name, target / name, ignore=ignore)
    return target


@pytest.mark.timeout(300)
def test_installed_wheel_finds_resources_in_site_packages(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "src")
    wheels = tmp_path / "wheels"
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), "."],
        cwd=sources,
    )
    (wheel,) = wheels.glob("zerogpu_desktop-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [name for name in REQUIRED if f"zerogpu_desktop/resources/{name}" not in names]
    assert not missing, f"{wheel.name} lacks {missing}"

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    run([*pip, "install", "-q", "--no-deps", "--no-index", str(wheel)], cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    report = json.loads(run([str(python), "-I", "-c", PROBE % (REQUIRED,)], cwd=elsewhere))

    site_packages = Path(report["purelib"]).resolve()
    resources = Path(report["resources_dir"]).resolve()
    assert Path(report["assets"]).resolve().is_relative_to(site_packages)
    assert resources == site_packages / "zerogpu_desktop" / "resources"
    assert not resources.is_relative_to(REPO_ROOT)
    for name, path in report["required"].items():
        assert Path(path).resolve().is_file(), f"{name} does not resolve: {path}"
    expected = sorted(
        str(path.relative_to(REPO_ROOT / "resources"))
        for pattern in ("*.desktop", "icons/*.png", "icons/*.ico", "icons/*.icns")
        for path in (REPO_ROOT / "resources").glob(pattern)
    )
    assert [name for name in report["files"] if "__pycache__" not in name] == expected
