"""What users install is what the tests test: the wheel carries every data file."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


def test_the_wheel_carries_every_data_file(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("policydiff-*.whl")
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
