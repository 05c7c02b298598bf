"""What users install is what the tests test: the wheel carries every data file."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT


def _pip(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", *args, "-q"], check=True, capture_output=True, timeout=300
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, built once for the module."""
    folder = tmp_path_factory.mktemp("wheels")
    _pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(folder), str(ROOT))
    (built,) = folder.glob("policydiff-*.whl")
    return built


def test_the_wheel_carries_every_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "policydiff"
    wanted = {
        str(p.relative_to(ROOT))
        for p in package.rglob("*")
        if p.is_file()
        and p.suffix in (".toml", ".json", ".typed", ".py", ".csv", ".txt", ".md")
        and "__pycache__" not in p.parts
    }
    assert wanted, "no package files found"
    missing = sorted(wanted - names)
    assert not missing, f"the wheel leaves out {missing}"


def test_the_installed_wheel_reads_the_headline_findings(wheel: Path, tmp_path: Path) -> None:
    """The wheel, installed apart from this checkout, finds the headline's meaning: its rule
    and language files travel with it. (CI also installs it in a fresh virtual environment
    with its dependencies from the package index: .ci/run.)"""
    target = tmp_path / "site"
    _pip("install", "--no-deps", "--target", str(target), str(wheel))
    old = ROOT / "snapshots" / "telegram.org" / "privacy" / "20240715181441.md"
    new = ROOT / "snapshots" / "telegram.org" / "privacy" / "20240923152623.md"
    program = (
        "import sys; sys.path.insert(0, sys.argv[1]); import policydiff; "
        "assert policydiff.__file__.startswith(sys.argv[1]), policydiff.__file__; "
        "from policydiff.cli import main; main(sys.argv[2:])"
    )
    result = subprocess.run(
        [sys.executable, "-c", program, str(target), "compare", str(old), str(new)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    for words in (
        "trigger broadened from terrorism to criminal activity",
        "safeguard added: legal analysis",
        "semiannual → quarterly",
    ):
        assert words in result.stdout
