"""The command line: output, exit codes, error messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import HEADLINE_NEW, HEADLINE_OLD, HTML_EN, ROOT

from policydiff.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_compare_text_shows_the_change_word_by_word() -> None:
    code, out, err = run("compare", str(HEADLINE_OLD), str(HEADLINE_NEW))
    assert code == 1, err
    assert (
        "1 substantive change · 0 added · 0 removed · 1 modified · 0 moved · 182 unchanged" in out
    )
    assert "8.3 Law Enforcement Authorities · modified" in out
    assert "[-court-]{+valid+}" in out
    assert "[-semiannual-]{+quarterly+}" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_compare_color_always_marks_words() -> None:
    code, out, _ = run("compare", "--color", "always", str(HEADLINE_OLD), str(HEADLINE_NEW))
    assert code == 1
    assert "\x1b[31;9mcourt\x1b[0m" in out and "\x1b[32;4mvalid\x1b[0m" in out


def test_compare_json_validates_against_the_schema() -> None:
    code, out, _ = run("compare", "--format", "json", str(HEADLINE_OLD), str(HEADLINE_NEW))
    assert code == 1
    data = json.loads(out)
    schema = json.loads(
        resources.files("policydiff").joinpath("schemas/comparison-1.json").read_text()
    )
    jsonschema.validate(data, schema)
    assert data["schema"] == "policydiff.comparison/1"
    assert [c["section"] for c in data["changes"]] == ["8.3. Law Enforcement Authorities"]
    assert data["old"]["captured_at"] == "2024-07-15T18:14:41+00:00"
    code, out, _ = run("compare", "--format", "json", "--all", str(HEADLINE_OLD), str(HEADLINE_NEW))
    everything = json.loads(out)
    jsonschema.validate(everything, schema)
    assert len(everything["changes"]) == 183


def test_same_file_exits_zero() -> None:
    code, out, _ = run("compare", str(HTML_EN), str(HTML_EN))
    assert code == 0
    assert "No substantive change." in out


def test_all_lists_unchanged_clauses() -> None:
    code, out, _ = run("compare", "--all", str(HEADLINE_OLD), str(HEADLINE_NEW))
    assert code == 1
    assert "Unchanged (182):" in out


def test_missing_file_is_exit_3_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nope.md"
    code, out, err = run("compare", str(missing), str(HEADLINE_NEW))
    assert code == 3
    assert out == ""
    assert err == f"Error: no such file: {missing}\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Error: input contains no policy text\n"),
        (
            b"%PDF-1.4\n...",
            "Error: input looks like binary data (PDF), not HTML, Markdown or text\n",
        ),
        (
            b'<meta charset="utf-8"><p>\xff\xfe</p>',
            "Error: input is not valid utf-8: undecodable byte at offset 25\n",
        ),
    ],
)
def test_bad_input_is_exit_3(tmp_path, content: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.html"
    bad.write_bytes(content)
    code, _, err = run("compare", str(bad), str(HEADLINE_NEW))
    assert (code, err) == (3, message)


def test_selector_that_matches_nothing_is_exit_3() -> None:
    code, _, err = run("compare", "--selector", "#nothing", str(HTML_EN), str(HTML_EN))
    assert (code, err) == (3, "Error: CSS selector '#nothing' matched nothing in the page\n")


def test_usage_errors_are_exit_2() -> None:
    assert run("compare", str(HEADLINE_OLD))[0] == 2
    assert run("compare", "--format", "xml", str(HEADLINE_OLD), str(HEADLINE_NEW))[0] == 2
    assert run("frobnicate")[0] == 2


def test_help_explains_the_exit_codes() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "Exit codes: 0 no substantive change, 1 substantive change(s) found" in out
    code, out, _ = run("compare", "--help")
    assert (
        "--selector CSS" in out and "--all" in out and "--format [text|json|html|markdown]" in out
    )


def test_console_script_runs_as_a_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "policydiff", "compare", str(HEADLINE_OLD), str(HEADLINE_NEW)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "8.3 Law Enforcement Authorities" in proc.stdout


def test_comparing_two_local_files_imports_no_network_stack_numpy_scipy_or_bs4() -> None:
    # Start-up time (issue 12): a command imports only what it needs. Run as after an
    # installation: without site (the development venv's editable install imports pathlib
    # and more at every start), the packages on the path, the language cache warm.
    script = (
        "import sys\n"
        "from policydiff.cli import main\n"
        "try:\n"
        f"    main(['compare', {str(HEADLINE_OLD)!r}, {str(HEADLINE_NEW)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('requests', 'urllib3', 'numpy', 'scipy', 'bs4', 'lxml', 'socket', 'ssl',\n"
        "    'http', 'email', 'sqlite3', 'subprocess', 'tomllib', 'pathlib', 'zipfile',\n"
        "    'tempfile', 'shutil', 'importlib.resources', 'policydiff.versions',\n"
        "    'policydiff.store', 'policydiff.archive', 'policydiff.normalize.html')\n"
        "print(sorted(m for m in sys.modules if m in heavy or m.split('.')[0] in heavy))\n"
    )
    import sysconfig

    path = os.pathsep.join([str(ROOT), sysconfig.get_paths()["purelib"]])
    for _ in range(2):  # the first run writes the language cache, the second reads it
        done = subprocess.run(
            [sys.executable, "-S", "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": path},
        )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_program_ends_with_all_its_output_its_code_and_its_exit_handlers(
    tmp_path: Path,
) -> None:
    """``python -m policydiff`` leaves the freeing of memory to the operating system after
    a comparison (cli.run): the report is still whole, the exit code right, and the exit
    handlers ran (the language cache was written)."""
    command = [sys.executable, "-m", "policydiff", "compare", "--format", "json", "--all"]
    env = {**os.environ, "POLICYDIFF_CACHE": str(tmp_path)}

    def compare(old: Path, new: Path) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [*command, str(old), str(new)], capture_output=True, env=env, timeout=120, check=False
        )

    done = compare(HEADLINE_OLD, HEADLINE_NEW)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)  # whole: the last byte was flushed
    assert len(report["changes"]) > 100
    assert list(tmp_path.glob("languages-*.bin"))
    same = compare(HEADLINE_OLD, HEADLINE_OLD)
    assert same.returncode == 0 and same.stdout.endswith(b"\n"), same.stderr
