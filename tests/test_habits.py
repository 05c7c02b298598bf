"""A command line and a library that fit their users' habits: NO_COLOR, TERM=dumb, the
terminal's width, a pager for long output, --stat / --quiet / -o / --ignore, compare URL,
--version everywhere, shell completion; dir() and help(), paths kept apart from text, and
public entry points for every command."""

from __future__ import annotations

import fcntl
import os
import pty
import pydoc
import re
import shutil
import struct
import subprocess
import sys
import termios
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import HEADLINE_NEW, HEADLINE_OLD, PRIVACY
from nightly import NightlyServer, served, serving

import policydiff
from policydiff.cli import main
from policydiff.errors import SourceNotFound
from policydiff.models import Snapshot
from policydiff.store import Store

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _terminal(
    args: list[str], env: dict[str, str], rows: int = 24, cols: int = 80
) -> tuple[int, str]:
    """Run policydiff with a pseudo-terminal as its standard streams, as a person would."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    process = subprocess.Popen(
        [sys.executable, "-m", "policydiff", *args],
        cwd=_SNAPSHOTS,  # short relative paths: the output's width is the clone's own
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**base, "TERM": "xterm-256color", **env},
        close_fds=True,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the other side closed
            break
        if not data:
            break
        chunks.append(data)
    code = process.wait(120)
    os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


@pytest.fixture
def pager(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A pager that keeps what it is given."""
    paged = tmp_path / "paged.txt"
    script = tmp_path / "pager.sh"
    script.write_text(f'#!/bin/sh\ncat > "{paged}"\n')
    script.chmod(0o755)
    return {"PAGER": str(script)}, paged


# The headline pair named from the folder of the snapshots, so that no line of the output
# depends on where the repository was cloned (a path cannot be wrapped).
_SNAPSHOTS = HEADLINE_OLD.parents[2]
ON_TERMINAL = [
    "compare",
    str(HEADLINE_OLD.relative_to(_SNAPSHOTS)),
    str(HEADLINE_NEW.relative_to(_SNAPSHOTS)),
]
HEADLINE = ["compare", str(HEADLINE_OLD), str(HEADLINE_NEW)]


def test_on_a_terminal_long_output_is_wrapped_coloured_and_paged(
    pager: tuple[dict[str, str], Path],
) -> None:
    env, paged = pager
    code, shown = _terminal([*ON_TERMINAL, "--all"], env, rows=24, cols=72)
    assert code == 1
    text = paged.read_text("utf-8")
    assert ANSI.search(text), "a terminal gets colour"
    widths = [len(ANSI.sub("", line)) for line in text.splitlines()]
    assert max(widths) <= 72 and len(widths) > 24
    assert "8.3. Law Enforcement Authorities" in ANSI.sub("", text)
    assert "Law Enforcement" not in shown  # it went through the pager, not straight out


def test_no_color_and_a_dumb_terminal_are_followed(pager: tuple[dict[str, str], Path]) -> None:
    env, paged = pager
    _, _ = _terminal(ON_TERMINAL, {**env, "NO_COLOR": "1"})
    assert paged.exists() and not ANSI.search(paged.read_text("utf-8"))
    paged.unlink()
    code, shown = _terminal(ON_TERMINAL, {**env, "TERM": "dumb"})
    assert code == 1 and not paged.exists()  # no pager on a dumb terminal ...
    assert "Law Enforcement Authorities" in shown and not ANSI.search(shown)  # ... no colour
    _, _forced = _terminal([*ON_TERMINAL, "--color", "always"], {**env, "NO_COLOR": "1"})
    assert ANSI.search(paged.read_text("utf-8")), "--color always wins over NO_COLOR"


def test_a_short_output_is_not_paged(pager: tuple[dict[str, str], Path]) -> None:
    env, paged = pager
    code, shown = _terminal([*ON_TERMINAL, "--stat"], env)
    assert code == 1 and not paged.exists()
    assert shown.startswith("1 substantive · 0 added · 0 removed · 1 modified")


def test_stat_quiet_and_output_file(tmp_path: Path) -> None:
    runner = CliRunner()
    stat = runner.invoke(main, [*HEADLINE, "--stat"])
    assert stat.exit_code == 1
    assert stat.stdout == (
        "1 substantive · 0 added · 0 removed · 1 modified · 0 moved · 182 unchanged · 1 widened\n"
    )
    quiet = runner.invoke(main, [*HEADLINE, "-q"])
    assert quiet.exit_code == 1 and quiet.output == ""
    same = runner.invoke(main, ["compare", str(HEADLINE_OLD), str(HEADLINE_OLD), "--quiet"])
    assert same.exit_code == 0 and same.output == ""
    report = tmp_path / "report.html"
    written = runner.invoke(main, [*HEADLINE, "--format", "html", "-o", str(report)])
    assert written.exit_code == 1 and written.output == ""
    assert report.read_text("utf-8").startswith("<!DOCTYPE html>")
    bad = runner.invoke(main, [*HEADLINE, "-o", str(tmp_path / "no" / "such" / "dir.txt")])
    assert bad.exit_code == 3 and "cannot write" in bad.stderr


def test_ignore_leaves_a_changing_line_out(tmp_path: Path) -> None:
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    text = HEADLINE_OLD.read_text("utf-8")
    old.write_text(text + "\nPage generated in 12 ms by server 4.\n", "utf-8")
    new.write_text(text + "\nPage generated in 873 ms by server 19.\n", "utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["compare", str(old), str(new), "-q"]).exit_code == 1
    ignored = runner.invoke(
        main, ["compare", str(old), str(new), "--ignore", "/generated in [0-9]+ ms by server \\d+/"]
    )
    assert ignored.exit_code == 0, ignored.output
    bad = runner.invoke(main, ["compare", str(old), str(new), "--ignore", "/[unclosed/"])
    assert bad.exit_code == 2 and "--ignore" in bad.stderr


def test_compare_url_against_its_last_stored_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    with serving(NightlyServer()) as site:
        url = f"{site.base}/telegram/privacy"  # type: ignore[attr-defined]
        before, kind = served("/telegram/privacy", 0)  # type: ignore[misc]
        store.put(
            Snapshot(
                before,
                url=url,
                captured_at=datetime(2024, 7, 15, tzinfo=UTC),
                media_type=kind.split(";")[0],
                source="live",
            )
        )
        site.night = 2  # type: ignore[attr-defined]
        result = CliRunner().invoke(
            main, ["compare", url, "--store", str(store.root), "--allow-private"]
        )
    assert result.exit_code == 1, result.output
    assert "Law Enforcement Authorities" in result.stdout
    runner = CliRunner()
    empty = runner.invoke(main, ["compare", "https://example.org/p", "--store", str(tmp_path)])
    assert empty.exit_code == 3 and "holds no version of https://example.org/p" in empty.stderr
    alone = runner.invoke(main, ["compare", str(HEADLINE_OLD)])
    assert alone.exit_code == 2 and "Missing argument 'NEW'" in alone.stderr


@pytest.mark.parametrize("command", [None, "compare", "timeline", "watch", "history", "explain"])
def test_version_everywhere(command: str | None) -> None:
    args = [command, "--version"] if command else ["--version"]
    result = CliRunner().invoke(main, args)
    assert (
        result.exit_code == 0 and result.stdout == f"policydiff, version {policydiff.__version__}\n"
    )


def test_shell_completion_works_as_the_readme_says() -> None:
    command = shutil.which("policydiff", path=str(Path(sys.executable).parent))
    assert command, "the policydiff command is installed beside this Python"
    script = subprocess.run(
        [command],
        env={**os.environ, "_POLICYDIFF_COMPLETE": "bash_source"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "complete -o nosort -F _policydiff_completion policydiff" in script.stdout
    words = subprocess.run(
        [command],
        env={
            **os.environ,
            "_POLICYDIFF_COMPLETE": "bash_complete",
            "COMP_WORDS": "policydiff tim",
            "COMP_CWORD": "1",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert "plain,timeline" in words.stdout.splitlines()
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    assert 'eval "$(_POLICYDIFF_COMPLETE=bash_source policydiff)"' in readme


def test_dir_and_help_show_the_public_names() -> None:
    names = dir(policydiff)
    for name in (
        "compare",
        "compare_text",
        "explain",
        "fetch",
        "history",
        "iter_history",
        "timeline_of",
    ):
        assert name in names
        assert callable(getattr(policydiff, name))
    assert "TYPE_CHECKING" not in names and "Any" not in names
    text = pydoc.render_doc(policydiff, renderer=pydoc.plaintext)
    assert "compare_text(old: 'str', new: 'str'" in text
    assert "timeline_of(" in text and "Result" in text


def test_paths_and_text_are_kept_apart() -> None:
    with pytest.raises(
        SourceNotFound, match=r"old_version \(for a policy's text, use compare_text\)"
    ):
        policydiff.compare("old_version", "new_version")
    result = policydiff.compare_text(
        "# Data\n\nWe keep your data for 12 months.\n",
        "# Data\n\nWe keep your data for 24 months.\n",
    )
    assert result.summary.modified == 1 and result.summary.substantive == 1
    assert policydiff.compare(HEADLINE_OLD, str(HEADLINE_NEW)).summary.substantive == 1


def test_the_library_has_every_command(tmp_path: Path) -> None:
    result = policydiff.compare(HEADLINE_OLD, HEADLINE_NEW)
    assert isinstance(result, policydiff.Result) and isinstance(result, policydiff.Comparison)
    assert result.to_html().startswith("<!DOCTYPE html>")
    assert "Law Enforcement Authorities" in result.to_markdown()
    assert "Law Enforcement Authorities" in result.to_text()
    assert ANSI.search(result.to_text(color=True))
    assert '"schema": "policydiff.comparison/1"' in result.to_json()
    records = policydiff.history(PRIVACY)
    assert len(records) == 41 and all(r.at for r in records)
    assert [r.at.date().isoformat() for r in records if r.technical] == ["2022-09-20", "2025-09-23"]
    one_by_one = policydiff.iter_history(PRIVACY, chunk=7)
    assert not isinstance(one_by_one, list)
    assert [r.snapshot.sha256 for r in one_by_one] == [r.snapshot.sha256 for r in records]
    timeline = policydiff.timeline_of(PRIVACY, start=records[-5].at)
    assert timeline.captures == 5 and isinstance(timeline, policydiff.Timeline)
    assert "8.3" in policydiff.explain(HEADLINE_NEW, section="8.3")
