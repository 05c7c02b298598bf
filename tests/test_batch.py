"""policydiff batch: the same dataset from worker processes, a local Dask cluster and a Dask
scheduler with two workers started here; resumable after SIGKILL; failures recorded.

The sources are the bundled snapshots plus a corpus this module builds from them: a folder of
dated files with Open Terms Archive's manifest.json, a git repository with one commit per
version, and two manifests (CSV, JSON lines), one naming a version that cannot be read."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
from conftest import PRIVACY, PRIVACY_DE, ROOT, SNAPSHOTS

BIN = Path(sys.executable).parent
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
SORT = ("document", "new_date", "old_date", "position", "chunk")


def _stamp(path: Path) -> datetime:
    return datetime.strptime(path.name.split(".")[0], "%Y%m%d%H%M%S").replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    versions = sorted(PRIVACY.glob("*.md"))
    # A folder of histories in Open Terms Archive's export layout: the manifest dates the
    # versions it lists and marks a re-extraction; the last file is dated by its name only.
    folder = root / "history" / "acme" / "privacy-policy"
    folder.mkdir(parents=True)
    listed = []
    for index, path in enumerate(versions[30:38]):
        name = f"{_stamp(path):%Y-%m-%dT%H%M%SZ}.md"
        shutil.copyfile(path, folder / name)
        if index < 7:
            kind = "technical" if index == 3 else "change"
            listed.append({"file": name, "recorded_at": _stamp(path).isoformat(), "kind": kind})
    (folder / "manifest.json").write_text(json.dumps({"versions": listed}), "utf-8")
    # A git repository, one commit per version (Open Terms Archive's Service/Document.md).
    repo = root / "repo"
    (repo / "Telegram").mkdir(parents=True)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    for index, path in enumerate(versions[18:23]):
        shutil.copyfile(path, repo / "Telegram" / "Privacy Policy.md")
        when = _stamp(path).isoformat()
        message = "Refilter Telegram Privacy Policy" if index == 2 else "Record new changes"
        env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", message], check=True, env=env)
    # A researcher's lists: CSV with a version that is an image, not a policy; JSON lines.
    (root / "junk.md").write_bytes(PNG)
    (root / "list.csv").write_text(
        "document,date,path\n"
        f"broken/policy,2024-01-01,{versions[0]}\n"
        "broken/policy,2024-02-01,junk.md\n",
        "utf-8",
    )
    german = sorted(PRIVACY_DE.glob("*.html"))
    lines = [
        {"document": "lists/telegram-de", "date": _stamp(p).isoformat(), "path": str(p)}
        for p in german
    ]
    (root / "list.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    return root


def sources(corpus: Path) -> list[str]:
    names = ("history", "repo", "list.csv", "list.jsonl")
    return [str(SNAPSHOTS), *(str(corpus / name) for name in names)]


def batch(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "policydiff"), "batch", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        **kwargs,
    )


def rows(out: Path, table: str) -> list[dict[str, Any]]:
    place = out / table
    if not place.is_dir():
        return []
    found = ds.dataset(place, format="parquet").to_table().to_pylist()
    return sorted(found, key=lambda r: tuple(str(r.get(k)) for k in SORT))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A dask.distributed scheduler and two workers on 127.0.0.1, as a cluster is run."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    quiet: dict[str, Any] = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    started = [
        subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
             address.rsplit(":", 1)[1], "--no-dashboard"],
            **quiet,
        )
    ]  # fmt: skip
    try:
        for name in ("one", "two"):
            started.append(
                subprocess.Popen(
                    [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--host",
                     "127.0.0.1", "--no-dashboard", "--name", name],
                    **quiet,
                )
            )  # fmt: skip
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in reversed(started):
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def runs(
    corpus: Path, scheduler: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    """The same batch three ways."""
    base = tmp_path_factory.mktemp("out")
    ways = {
        "workers": ["--workers", "2"],
        "dask": ["--dask", "--workers", "2"],
        "scheduler": ["--scheduler", scheduler],
    }
    done = {}
    for name, extra in ways.items():
        out = base / name
        done[name] = (out, batch(*sources(corpus), "--out", str(out), "--task-pairs", "8", *extra))
    return done


@pytest.mark.parametrize("way", ["workers", "dask", "scheduler"])
def test_each_way_records_the_broken_document_and_goes_on(
    runs: dict[str, tuple[Path, subprocess.CompletedProcess[str]]], way: str
) -> None:
    out, result = runs[way]
    assert result.returncode == 3, result.stderr
    assert "failed broken/policy: BinaryInput" in result.stderr
    assert "6 documents" in result.stdout
    failures = rows(out, "failures")
    assert [(f["document"], f["versions"]) for f in failures] == [("broken/policy", 2)]
    assert failures[0]["error"].startswith("BinaryInput: input looks like binary data")


@pytest.mark.parametrize("table", ["pairs", "changes", "failures"])
def test_three_executors_give_the_same_rows(
    runs: dict[str, tuple[Path, subprocess.CompletedProcess[str]]], table: str
) -> None:
    local = rows(runs["workers"][0], table)
    assert local
    assert rows(runs["dask"][0], table) == local
    assert rows(runs["scheduler"][0], table) == local


def test_the_dataset_holds_every_pair_and_the_headline_change(
    runs: dict[str, tuple[Path, subprocess.CompletedProcess[str]]],
) -> None:
    out = runs["workers"][0]
    pairs = rows(out, "pairs")
    per_document: dict[str, int] = {}
    for pair in pairs:
        per_document[pair["document"]] = per_document.get(pair["document"], 0) + 1
    assert per_document == {
        "acme/privacy-policy": 7,
        "lists/telegram-de": 1,
        "telegram.org/privacy": 40,
        "telegram.org/privacy~lang=de": 1,
        "Telegram/Privacy Policy": 4,
    }
    technical = sorted(
        (p["document"], f"{p['new_date']:%Y-%m-%d}") for p in pairs if p["technical"]
    )
    assert technical == [  # the manifest's, the git "Refilter" commit's, the sidecars' marks
        ("Telegram/Privacy Policy", "2024-04-10"),
        ("acme/privacy-policy", "2025-03-20"),
        ("telegram.org/privacy", "2022-09-20"),
        ("telegram.org/privacy", "2025-09-23"),
    ]
    headline = [
        c
        for c in rows(out, "changes")
        if c["document"] == "telegram.org/privacy"
        and c["new_date"] == datetime(2024, 9, 23, 15, 26, 23, tzinfo=UTC)
    ]
    assert len(headline) == 1
    change = headline[0]
    assert (change["kind"], change["category"], change["verdict"]) == (
        "modified",
        "authorities",
        "widened",
    )
    assert change["number"] == "8.3" and change["section"].startswith("8.3")
    assert change["service"] == "telegram.org"
    assert change["old_date"] == datetime(2024, 7, 15, 18, 14, 41, tzinfo=UTC)
    assert "condition_broadened" in [f["label"] for f in change["findings"]]
    assert change["importance"] > 1  # as the reports weigh it: among what matters most
    concepts = {f["label"]: f["concept"] for f in change["findings"]}
    assert concepts["safeguard_added"] == "https://w3id.org/dpv#LegalComplianceAssessment"
    explanations = " ".join(f["explanation"] for f in change["findings"])
    assert "trigger broadened from terrorism to criminal activity" in explanations
    # The German pair says the same, in German, from the manifest as from the folder.
    german = [c for c in rows(out, "changes") if c["document"] == "lists/telegram-de"]
    assert [(c["number"], c["verdict"]) for c in german] == [("8.3", "widened")]


def test_a_rerun_does_nothing_and_the_example_query_answers(
    runs: dict[str, tuple[Path, subprocess.CompletedProcess[str]]], corpus: Path
) -> None:
    out = runs["workers"][0]
    before = sorted((p, p.stat().st_mtime_ns) for p in (out / "pairs").rglob("*.parquet"))
    again = batch(*sources(corpus), "--out", str(out), "--task-pairs", "8", "--workers", "2")
    assert again.returncode == 3  # the broken document is tried again, and fails again
    assert " 0 pairs compared" in again.stdout
    assert sorted((p, p.stat().st_mtime_ns) for p in (out / "pairs").rglob("*.parquet")) == before
    example = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "authorities_widened.py"), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = example.stdout.splitlines()
    assert lines[0].startswith("telegram.org")
    assert "2024-09-23" in lines[0] and "8.3" in lines[0]
    assert not any(line.startswith("acme") for line in lines)  # its versions are of 2023


def test_a_run_killed_midway_and_restarted_gives_the_same_dataset(
    runs: dict[str, tuple[Path, subprocess.CompletedProcess[str]]],
    corpus: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "killed"
    command = [
        str(BIN / "policydiff"), "batch", *sources(corpus), "--out", str(out),
        "--task-pairs", "3", "--workers", "1",
    ]  # fmt: skip
    # Its own session, so the kill reaches the workers too (a machine losing power).
    run = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while len(list(out.glob("pairs/*/*.parquet"))) < 4 and time.monotonic() < deadline:
        assert run.poll() is None, "the run ended before it could be killed"
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    halfway = len(list(out.glob("pairs/*/*.parquet")))
    assert 4 <= halfway < 20  # 20 tasks of 3 pairs in all: killed midway
    restarted = batch(*command[2:])
    assert restarted.returncode == 3, restarted.stderr
    assert f"({halfway} of " in restarted.stdout
    reference = runs["workers"][0]
    for table in ("pairs", "changes", "failures"):
        assert rows(out, table) == rows(reference, table), table


def test_a_history_that_grows_adds_only_its_new_pairs(tmp_path: Path) -> None:
    from policydiff.batch import LocalWorkers, run_batch

    folder = tmp_path / "acme" / "privacy"
    folder.mkdir(parents=True)
    versions = sorted(PRIVACY.glob("*.md"))[20:26]
    for path in versions[:5]:
        shutil.copyfile(path, folder / path.name)
    out = tmp_path / "out"
    first = run_batch([str(tmp_path / "acme")], out, executor=LocalWorkers(1), task_pairs=2)
    assert (first.tasks, first.pairs) == (2, 4)
    shutil.copyfile(versions[5], folder / versions[5].name)
    second = run_batch([str(tmp_path / "acme")], out, executor=LocalWorkers(1), task_pairs=2)
    assert (second.tasks, second.skipped, second.pairs) == (3, 2, 1)
    assert len(rows(out, "pairs")) == 5
    assert second.failures == () and second.peak_memory


def test_json_lines_hold_the_same_rows(tmp_path: Path, corpus: Path) -> None:
    import pyarrow.parquet as pq

    result = batch(str(corpus / "repo"), "--out", str(tmp_path / "j"), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert batch(str(corpus / "repo"), "--out", str(tmp_path / "p")).returncode == 0
    lines = [
        json.loads(line)
        for file in sorted((tmp_path / "j" / "changes").rglob("*.jsonl"))
        for line in file.read_text("utf-8").splitlines()
    ]
    table = pq.read_table(next((tmp_path / "p" / "changes").rglob("*.parquet")))
    expected = table.to_pylist()
    for row in expected:
        row["old_date"], row["new_date"] = row["old_date"].isoformat(), row["new_date"].isoformat()
    assert lines == expected and len(lines) > 3


def test_an_output_folder_holds_one_kind_of_batch(tmp_path: Path, corpus: Path) -> None:
    out = str(tmp_path / "o")
    assert batch(str(corpus / "list.jsonl"), "--out", out).returncode == 0
    mixed = batch(str(corpus / "list.jsonl"), "--out", out, "--pairs", "first-last")
    assert mixed.returncode == 3
    assert "use another --out" in mixed.stderr
    missing = batch(str(corpus / "nowhere"), "--out", str(tmp_path / "n"))
    assert (missing.returncode, missing.stderr.strip()) == (
        3,
        f"Error: no such file: {corpus / 'nowhere'}",
    )


def test_the_batch_dependencies_load_only_when_a_batch_runs() -> None:
    code = (
        "import sys, policydiff, policydiff.cli, policydiff.batch; "
        "print(sorted({'pyarrow', 'dask', 'distributed'} & set(sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
