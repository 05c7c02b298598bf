"""Histories where they already live: folders dated by file name or Open Terms Archive's
manifest, and git repositories (one commit per version), built here from snapshots/."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PRIVACY, history

from policydiff.cli import main
from policydiff.errors import NoCapture, SourceError, SourceNotFound
from policydiff.versions import Record, date_in_name
from policydiff.versions import history as read_history

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="the git command is not installed")
OTA_PATH = "Telegram/Privacy Policy.md"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2024-07-15T181441Z.md", datetime(2024, 7, 15, 18, 14, 41, tzinfo=UTC)),
        ("2024-07-15.html", datetime(2024, 7, 15, tzinfo=UTC)),
        ("20240715181441.md", datetime(2024, 7, 15, 18, 14, 41, tzinfo=UTC)),
        ("privacy-2024-07-15T18:14:41+02:00.txt", datetime(2024, 7, 15, 16, 14, 41, tzinfo=UTC)),
        ("2024-13-01.md", None),  # no thirteenth month
        ("2024-02-30.md", None),
        ("policy-v2.md", None),
        ("12024-07-15.md", None),  # five digits are not a year
    ],
    ids=lambda v: str(v),
)
def test_date_in_a_file_name(name: str, expected: datetime | None) -> None:
    assert date_in_name(name) == expected


def _ota_folder(tmp_path: Path, count: int = 4) -> Path:
    """A folder laid out as Open Terms Archive's exports: ``<date>T<time>Z.md``, no sidecars,
    a manifest.json beside them; one version marked technical."""
    folder = tmp_path / "ota"
    folder.mkdir()
    entries = []
    for index, source in enumerate(history()[:count]):
        moment = date_in_name(source.name)
        assert moment is not None
        name = f"{moment:%Y-%m-%dT%H%M%SZ}.md"
        shutil.copyfile(source, folder / name)
        entries.append(
            {
                "file": name,
                "recorded_at": moment.isoformat(),
                "commit": f"{index:040x}",
                "message": "Refilter Telegram Privacy Policy" if index == 2 else "Update",
                "kind": "technical" if index == 2 else "change",
            }
        )
    (folder / "manifest.json").write_text(json.dumps({"versions": entries}), "utf-8")
    return folder


def test_a_folder_named_by_dates_is_dated_and_technical_versions_marked(tmp_path: Path) -> None:
    folder = _ota_folder(tmp_path)
    records = read_history(folder)
    assert [r.at for r in records] == [date_in_name(p.name) for p in history()[:4]]
    assert [r.technical for r in records] == [False, False, True, False]
    assert records[0].commit == f"{0:040x}" and records[2].message.startswith("Refilter")


def test_without_a_manifest_the_file_name_dates_a_version(tmp_path: Path) -> None:
    folder = _ota_folder(tmp_path)
    (folder / "manifest.json").unlink()
    (folder / "notes.md").write_text("# Notes\n\nUndated.\n", "utf-8")
    records = read_history(folder)
    assert [r.at is not None for r in records] == [True] * 4 + [False]  # undated last
    assert not any(r.technical for r in records)


def test_a_broken_manifest_is_an_error_naming_the_key(tmp_path: Path) -> None:
    folder = _ota_folder(tmp_path)
    (folder / "manifest.json").write_text(
        json.dumps({"versions": [{"file": "a.md", "recorded_at": "2024-13-01"}]}), "utf-8"
    )
    with pytest.raises(SourceError, match=r"versions\[0\]\.recorded_at is not a date"):
        read_history(folder)


def test_the_timeline_of_a_dated_folder_marks_technical_re_extractions(tmp_path: Path) -> None:
    folder = _ota_folder(tmp_path)
    result = CliRunner().invoke(main, ["timeline", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["versions"][0]["captured_at"] == "2020-07-29T13:32:21+00:00"
    marked = [v for v in data["versions"] if v["technical"]] + [
        s for v in data["versions"] for s in v["same_as"] if s["technical"]
    ]
    assert [m["captured_at"] for m in marked] == ["2021-03-25T04:36:20+00:00"]
    text = CliRunner().invoke(main, ["timeline", str(folder), "--from", "2020-07-30"])
    assert "(undated)" not in text.stdout
    assert text.stdout.startswith(f"Timeline of {folder}: 3 captures")
    assert "technical re-extraction" in text.stdout


def _git(*args: str, cwd: Path, when: str | None = None) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_SYSTEM": os.devnull,
        "GIT_AUTHOR_NAME": "OTA",
        "GIT_AUTHOR_EMAIL": "bot@example.org",
        "GIT_COMMITTER_NAME": "OTA",
        "GIT_COMMITTER_EMAIL": "bot@example.org",
    }
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    assert GIT is not None
    return subprocess.run(
        [GIT, *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def ota_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Open Terms Archive's layout, one commit per version of snapshots/telegram.org/privacy
    (Markdown), with the commit messages their sidecars record; an unrelated file between."""
    repo = tmp_path_factory.mktemp("versions")
    _git("init", "-q", "-b", "main", cwd=repo)
    target = repo / OTA_PATH
    target.parent.mkdir()
    for index, source in enumerate(history()):
        side = json.loads(Path(f"{source}.json").read_text("utf-8"))
        shutil.copyfile(source, target)
        _git("add", "-A", cwd=repo)
        _git("commit", "-q", "-m", side["origin"]["message"], cwd=repo, when=side["captured_at"])
        if index == 5:
            (repo / "Telegram" / "Terms of Service.md").write_text("# Terms\n", "utf-8")
            _git("add", "-A", cwd=repo)
            _git("commit", "-q", "-m", "Start tracking ToS", cwd=repo, when=side["captured_at"])
    return repo


@needs_git
@pytest.mark.parametrize("bare", [False, True], ids=["work tree", "bare"])
def test_a_git_history_gives_the_versions_of_its_folder(
    ota_repository: Path, tmp_path: Path, bare: bool
) -> None:
    repo = ota_repository
    if bare:
        repo = tmp_path / "versions.git"
        _git("clone", "-q", "--bare", str(ota_repository), str(repo), cwd=tmp_path)
    from_git = read_history(repo, OTA_PATH)
    from_folder = [r for r in read_history(PRIVACY) if r.snapshot.label.endswith(".md")]
    assert len(from_git) == len(from_folder) == 40

    def key(r: Record) -> tuple[object, ...]:
        return (r.at, r.snapshot.sha256, r.technical, r.message)

    assert [key(r) for r in from_git] == [key(r) for r in from_folder]
    assert [r.at for r in from_git if r.technical] == [
        datetime(2022, 9, 20, 12, 37, 44, tzinfo=UTC),
        datetime(2025, 9, 23, 6, 22, tzinfo=UTC),
    ]
    assert (
        from_git[0].snapshot.media_type == "text/markdown" and from_git[0].snapshot.source == "git"
    )


@needs_git
def test_timeline_of_a_git_repository_matches_its_folder(ota_repository: Path) -> None:
    """The same dates, texts and findings as the folder (names aside)."""
    window = ["--from", "2024-07", "--to", "2024-10", "--format", "json"]
    runner = CliRunner()
    git = runner.invoke(main, ["timeline", str(ota_repository), "--path", OTA_PATH, *window])
    folder = runner.invoke(main, ["timeline", str(PRIVACY), *window])
    assert git.exit_code == 0 and folder.exit_code == 0, git.output + folder.output
    a, b = json.loads(git.stdout), json.loads(folder.stdout)
    assert a["name"] == f"{ota_repository}: {OTA_PATH}"
    for data in (a, b):
        del data["name"]
        for version in data["versions"]:
            del version["name"]
            for same in version["same_as"]:
                del same["name"]
    assert a == b
    assert len(a["versions"]) == 4  # 2024-07-15, 09-23, 09-27, 10-02


@needs_git
def test_git_history_errors_are_plain(ota_repository: Path, tmp_path: Path) -> None:
    with pytest.raises(NoCapture, match=r"Telegram/Nothing\.md"):
        read_history(ota_repository, "Telegram/Nothing.md")
    with pytest.raises(SourceError, match=r"cannot read .* as a git repository"):
        read_history(tmp_path, OTA_PATH)
    with pytest.raises(SourceNotFound):
        read_history(tmp_path / "missing", OTA_PATH)
    result = CliRunner().invoke(main, ["timeline", str(tmp_path), "--path", OTA_PATH])
    assert result.exit_code == 3 and "as a git repository" in result.output
