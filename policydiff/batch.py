"""Corpus studies: every pair of versions of many documents, compared on worker processes or
a Dask cluster, and written as a dataset that a rerun completes.

    SOURCES ──histories──▶ History ──plan──▶ Task ──run_task (a worker)──▶ Outcome ──▶ Output
    (folder, git            (a document's     (a run of its    (reads each version      (one file a
     repository,             located,          pairs, fingerprinted)  once, compares     task a table)
     manifest)               dated versions)                      its pairs)

A task is a run of at most ``TASK_PAIRS`` consecutive pairs of one document, so that one long
history does not stall the rest, and a worker holds two versions at a time. The driver alone
writes: ``pairs/<document>/chunk-00000-<key>.parquet``, the same under ``changes/``, and under
``failures/`` for a task that failed (with its error; the others go on). The pairs file is
written last: when it exists the task is done, so a killed run started again computes only what
is missing, and a history that gained versions recomputes only its last task.

pyarrow is imported only when Parquet is written, dask only by the Dask executor.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import resource
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from policydiff.comparison import compare_documents, comparison_of, read_document
from policydiff.errors import SourceError, SourceNotFound
from policydiff.files import write_atomic
from policydiff.models import ClauseChange, Document, Snapshot
from policydiff.report.story import importance
from policydiff.versions import (
    Version,
    folder_versions,
    git_documents,
    git_versions,
    is_git_repository,
    is_version_file,
    read_versions,
)

__all__ = [
    "COLUMNS",
    "FORMATS",
    "PAIRINGS",
    "SCHEMA",
    "TASK_PAIRS",
    "DaskCluster",
    "Executor",
    "History",
    "LocalWorkers",
    "Outcome",
    "Output",
    "Progress",
    "Report",
    "Task",
    "arrow_schema",
    "histories",
    "plan",
    "read_manifest",
    "run_batch",
    "run_task",
]

SCHEMA = "policydiff.batch/1"
PAIRINGS = ("consecutive", "first-last")
FORMATS = ("parquet", "jsonl")
TASK_PAIRS = 40

# The tables, as data: (column, type) with types pyarrow names; JSON lines carry the same keys.
_FINDING = (
    ("label", "string"),
    ("category", "string"),
    ("direction", "string"),
    ("explanation", "string"),
    ("old_words", "string"),
    ("new_words", "string"),
    ("concept", "string"),  # the DPV concept, when the findings name one
)
_PAIR_KEY = (
    ("document", "string"),
    ("service", "string"),
    ("old_date", "timestamp"),
    ("new_date", "timestamp"),
    ("old_sha256", "string"),
    ("new_sha256", "string"),
    ("technical", "bool"),  # the new version is a re-extraction by the archive
)
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "pairs": (
        *_PAIR_KEY,
        ("old_location", "string"),
        ("new_location", "string"),
        ("language", "string"),
        ("added", "int32"),
        ("removed", "int32"),
        ("modified", "int32"),
        ("moved", "int32"),
        ("unchanged", "int32"),
        ("substantive", "int32"),
        ("widened", "int32"),
        ("narrowed", "int32"),
        ("mixed", "int32"),
        ("neutral", "int32"),
    ),
    "changes": (
        *_PAIR_KEY,
        ("position", "int32"),  # the change's place in the comparison
        ("kind", "string"),
        ("section", "string"),
        ("number", "string"),  # the policy's own numbering: "8.3"
        ("verdict", "string"),
        ("category", "string"),
        ("importance", "float64"),
        ("old_text", "string"),
        ("new_text", "string"),
        ("findings", "findings"),
    ),
    "failures": (
        ("document", "string"),
        ("service", "string"),
        ("chunk", "int32"),
        ("first_date", "timestamp"),
        ("last_date", "timestamp"),
        ("versions", "int32"),
        ("error", "string"),
    ),
}


@dataclass(frozen=True, slots=True)
class History:
    """One document's versions, located and dated, oldest first."""

    document: str
    service: str
    versions: tuple[Version, ...]


@dataclass(frozen=True, slots=True)
class Task:
    """Pairs of one document compared together: ``pairs`` index into ``versions``."""

    document: str
    service: str
    chunk: int
    versions: tuple[Version, ...]
    pairs: tuple[tuple[int, int], ...]
    key: str  # changes when the versions, the pairing or the output schema change

    @property
    def folder(self) -> str:
        return _folder(self.document)

    @property
    def stem(self) -> str:
        return f"chunk-{self.chunk:05d}-{self.key}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """A task's rows, or its error; and where and how fast it ran."""

    task: Task
    pairs: tuple[dict[str, Any], ...] = ()
    changes: tuple[dict[str, Any], ...] = ()
    error: str | None = None
    seconds: float = 0.0
    worker: str = ""
    peak_memory: int = 0  # bytes: the worker process's peak resident set so far


# -- sources ----------------------------------------------------------------------------------


def histories(sources: Sequence[str]) -> list[History]:
    """Every document the sources hold: folders of histories, git repositories (Open Terms
    Archive's layout), manifest files (CSV or JSON lines). A document named twice is an error."""
    found: dict[str, History] = {}
    for source in sources:
        for history in _histories_of(source):
            if history.document in found:
                raise SourceError(f"the document {history.document} is in two sources")
            found[history.document] = history
    return [found[name] for name in sorted(found)]


def _histories_of(source: str) -> list[History]:
    path = Path(source).resolve()
    if path.is_file():
        return read_manifest(path)
    if not path.is_dir():
        raise SourceNotFound(source)
    if is_git_repository(path):
        found = []
        for name in git_documents(path):
            document = name.rsplit(".", 1)[0]
            versions = tuple(git_versions(path, name))
            found.append(History(document, _service(document), versions))
        return found
    found = []
    folders = [path, *sorted(p for p in path.rglob("*") if p.is_dir())]
    for folder in folders:
        relative = folder.relative_to(path)
        if any(part.startswith(".") for part in relative.parts) or not _holds_versions(folder):
            continue
        # service/document, as in the corpus layout, whichever level SOURCE names
        parts = relative.parts if len(relative.parts) >= 2 else folder.parts[-2:]
        document = "/".join(parts)
        found.append(History(document, _service(document), tuple(folder_versions(folder))))
    return found


def _holds_versions(folder: Path) -> bool:
    return any(is_version_file(p) for p in folder.iterdir())


def _service(document: str) -> str:
    return document.split("/", 1)[0]


def read_manifest(path: str | os.PathLike[str]) -> list[History]:
    """A researcher's list of versions: CSV with a header, or JSON lines, each naming
    ``document``, ``date`` and ``path`` (relative to the manifest) or ``url``; optionally
    ``service`` and ``technical``."""
    file = Path(path)
    try:
        text = file.read_text("utf-8-sig")
    except OSError as err:
        raise SourceError(f"cannot read the manifest {file}: {err.strerror or err}") from err
    rows: list[tuple[int, dict[str, Any]]] = []
    if file.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        rows = [(number, dict(row)) for number, row in enumerate(reader, start=2)]
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    row = json.loads(line)
                except ValueError as err:
                    raise SourceError(f"{file}, line {number}: not JSON ({err})") from err
                if not isinstance(row, dict):
                    raise SourceError(f"{file}, line {number}: not a JSON object")
                rows.append((number, row))
    grouped: dict[str, list[Version]] = {}
    services: dict[str, str] = {}
    for number, row in rows:
        where = f"{file}, line {number}"
        document = _field(row, "document", where)
        location = str(row.get("path") or row.get("url") or "")
        if not location:
            raise SourceError(f"{where}: no path or url")
        if "://" not in location and not Path(location).is_absolute():
            location = str(file.parent / location)
        technical = str(row.get("technical") or "").strip().lower() in ("1", "true", "yes")
        version = Version(location, _date(_field(row, "date", where), where), technical)
        grouped.setdefault(document, []).append(version)
        services[document] = str(row.get("service") or _service(document))
    return [
        History(
            name,
            services[name],
            tuple(sorted(grouped[name], key=lambda v: (v.recorded_at, v.location))),
        )
        for name in sorted(grouped)
    ]


def _field(row: dict[str, Any], name: str, where: str) -> str:
    value = row.get(name)
    if value is None or not str(value).strip():
        raise SourceError(f"{where}: no {name}")
    return str(value).strip()


def _date(text: str, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as err:
        raise SourceError(f"{where}: not a date: {text!r}") from err
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- tasks ------------------------------------------------------------------------------------


def plan(
    found: Sequence[History], pairing: str = "consecutive", task_pairs: int = TASK_PAIRS
) -> list[Task]:
    """The tasks for these histories, longest first (so a long one never starts last)."""
    tasks = []
    for history in found:
        versions = history.versions
        if len(versions) < 2:
            continue
        if pairing == "first-last":
            tasks.append(_task(history, 0, (versions[0], versions[-1]), pairing))
            continue
        for chunk, start in enumerate(range(0, len(versions) - 1, task_pairs)):
            tasks.append(_task(history, chunk, versions[start : start + task_pairs + 1], pairing))
    return sorted(tasks, key=lambda t: (-len(t.pairs), t.document, t.chunk))


def _task(history: History, chunk: int, versions: Sequence[Version], pairing: str) -> Task:
    identity = [
        SCHEMA,
        pairing,
        history.document,
        chunk,
        [
            (v.location, v.recorded_at and v.recorded_at.isoformat(), v.technical, v.commit)
            for v in versions
        ],
    ]
    key = hashlib.sha256(json.dumps(identity).encode("utf-8")).hexdigest()[:16]
    pairs = tuple((i, i + 1) for i in range(len(versions) - 1))
    return Task(history.document, history.service, chunk, tuple(versions), pairs, key)


def run_task(task: Task) -> Outcome:
    """Compare a task's pairs, reading each version once. Never raises: a failure is the
    outcome's ``error``, so one bad document never stops the others."""
    started = time.perf_counter()
    try:
        pairs, changes = _compare(task)
        error = None
    except Exception as err:  # recorded with the document; the run goes on
        pairs, changes = [], []
        error = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
    return Outcome(
        task,
        tuple(pairs),
        tuple(changes),
        error,
        seconds=time.perf_counter() - started,
        worker=f"{os.uname().nodename}:{os.getpid()}",
        peak_memory=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    )


def _compare(task: Task) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    # A task's bytes are read at once (one git call a repository); each version is
    # normalized once, and a worker holds two normalized versions at a time.
    records = read_versions(task.versions)
    if len(records) != len(task.versions):
        raise SourceError(f"{len(task.versions) - len(records)} version(s) could not be read")
    held: dict[int, tuple[Snapshot, Document]] = {}
    pairs: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for old_index, new_index in task.pairs:
        for index in (old_index, new_index):
            if index not in held:
                snapshot = records[index].snapshot
                held[index] = (snapshot, read_document(snapshot))
        (old, old_document), (new, new_document) = held[old_index], held[new_index]
        comparison = comparison_of(
            old, new, old_document, new_document, compare_documents(old_document, new_document)
        )
        key = {
            "document": task.document,
            "service": task.service,
            "old_date": old.captured_at,
            "new_date": new.captured_at,
            "old_sha256": old.sha256,
            "new_sha256": new.sha256,
            "technical": task.versions[new_index].technical,
        }
        summary = comparison.summary
        pairs.append(
            {
                **key,
                "old_location": _location(task.versions[old_index]),
                "new_location": _location(task.versions[new_index]),
                "language": new_document.language,
                "added": summary.added,
                "removed": summary.removed,
                "modified": summary.modified,
                "moved": summary.moved,
                "unchanged": summary.unchanged,
                "substantive": summary.substantive,
                **comparison.verdicts,
            }
        )
        changes.extend(
            {**key, **_change_row(position, change)}
            for position, change in enumerate(comparison.changes)
            if change.substantive
        )
        for index in [i for i in held if i < new_index]:
            del held[index]  # a worker holds two versions at a time, however long the history
    return pairs, changes


def _location(version: Version) -> str:
    if version.repository and version.commit:
        return f"{version.repository}@{version.commit}:{version.location}"
    return version.location


_LEADING_NUMBER = re.compile(r"^\s*((?:\d+\.)*\d+)\b")


def _change_row(position: int, change: ClauseChange) -> dict[str, Any]:
    side = change.new or change.old
    number = side[0].number if side else None
    if not number:
        found = _LEADING_NUMBER.match(change.section)
        number = found.group(1) if found else None
    return {
        "position": position,
        "kind": change.kind.value,
        "section": change.section,
        "number": number,
        "verdict": change.verdict and change.verdict.value,
        "category": change.category and change.category.value,
        "importance": importance(change),
        "old_text": change.old_text or None,
        "new_text": change.new_text or None,
        "findings": [
            {
                "label": f.label,
                "category": f.category.value,
                "direction": f.direction.value,
                "explanation": f.explanation,
                "old_words": f.old_words,
                "new_words": f.new_words,
                "concept": _concept(getattr(f, "concept", None)),
            }
            for f in change.findings
        ],
    }


def _concept(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, tuple | list | frozenset | set):
        return " ".join(sorted(str(v) for v in value)) or None
    return str(value)


# -- output -----------------------------------------------------------------------------------


def _folder(document: str) -> str:
    """A file-system-safe, unique folder name for a document."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", document).strip("-.")[:80]
    return f"{readable}-{hashlib.sha256(document.encode('utf-8')).hexdigest()[:8]}"


class Output:
    """The dataset on disk: ``pairs/``, ``changes/``, ``failures/``, one folder a document,
    one file a task; ``batch.json`` says what it holds."""

    TABLES = ("pairs", "changes", "failures")

    def __init__(self, root: str | os.PathLike[str], *, pairing: str, fmt: str) -> None:
        self.root = Path(root)
        self.fmt = fmt
        self.suffix = ".parquet" if fmt == "parquet" else ".jsonl"
        self.root.mkdir(parents=True, exist_ok=True)
        about = {"schema": SCHEMA, "pairs": pairing, "format": fmt}
        marker = self.root / "batch.json"
        if marker.exists():
            try:
                held = json.loads(marker.read_text("utf-8"))
            except (OSError, ValueError) as err:
                raise SourceError(f"cannot read {marker}: {err}") from err
            if held != about:
                raise SourceError(
                    f"{self.root} holds a batch with {held}, not {about}: use another --out"
                )
        else:
            write_atomic(marker, (json.dumps(about, indent=2) + "\n").encode("utf-8"))

    def path(self, table: str, task: Task) -> Path:
        return self.root / table / task.folder / f"{task.stem}{self.suffix}"

    def done(self, task: Task) -> bool:
        return self.path("pairs", task).exists()

    def prune(self, tasks: Sequence[Task]) -> None:
        """Remove the files of these documents that no planned task would write (a history
        that changed since the last run), so no pair is counted twice."""
        wanted: dict[str, set[str]] = {}
        for task in tasks:
            wanted.setdefault(task.folder, set()).add(task.stem)
        for table in self.TABLES:
            for folder, stems in wanted.items():
                place = self.root / table / folder
                if not place.is_dir():
                    continue
                for file in place.iterdir():
                    if file.name.startswith("chunk-") and file.name.split(".")[0] not in stems:
                        file.unlink()

    def write(self, outcome: Outcome) -> None:
        task = outcome.task
        if outcome.error is not None:
            versions = [v.recorded_at for v in task.versions]
            row = {
                "document": task.document,
                "service": task.service,
                "chunk": task.chunk,
                "first_date": versions[0],
                "last_date": versions[-1],
                "versions": len(versions),
                "error": outcome.error,
            }
            self._write("failures", task, [row])
            return
        self._write("changes", task, list(outcome.changes))
        self._write("pairs", task, list(outcome.pairs))  # last: the task is done
        failed = self.path("failures", task)
        if failed.exists():
            failed.unlink()

    def _write(self, table: str, task: Task, rows: list[dict[str, Any]]) -> None:
        target = self.path(table, task)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = _parquet(table, rows) if self.fmt == "parquet" else _jsonl(rows)
        write_atomic(target, data)


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    def plain(value: object) -> str:
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(f"cannot write a {type(value).__name__}")

    lines = (json.dumps(row, ensure_ascii=False, default=plain, sort_keys=False) for row in rows)
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _parquet(table: str, rows: list[dict[str, Any]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema(table)), sink)
    return bytes(sink.getvalue().to_pybytes())


def arrow_schema(table: str) -> Any:
    """The pyarrow schema of a table (``pairs``, ``changes``, ``failures``)."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "bool": pa.bool_(),
        "int32": pa.int32(),
        "float64": pa.float64(),
        "timestamp": pa.timestamp("s", tz="UTC"),
    }
    types["findings"] = pa.list_(pa.struct([(name, types[kind]) for name, kind in _FINDING]))
    return pa.schema([(name, types[kind]) for name, kind in COLUMNS[table]])


# -- executors --------------------------------------------------------------------------------


class Executor(Protocol):
    """Runs tasks somewhere and yields their outcomes as they finish."""

    workers: int

    def run(self, tasks: Sequence[Task]) -> Iterator[Outcome]: ...


class LocalWorkers:
    """Worker processes on this machine."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def run(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed
        from concurrent.futures.process import BrokenProcessPool

        # forkserver: workers never inherit a parent's threads (a Dask client, a test runner).
        context = multiprocessing.get_context("forkserver")
        pool = ProcessPoolExecutor(self.workers, mp_context=context)
        try:
            futures = {pool.submit(run_task, task): task for task in tasks}
            for future in as_completed(futures):
                try:
                    yield future.result()
                except BrokenProcessPool:
                    yield Outcome(futures[future], error="a worker process died (out of memory?)")
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """A Dask cluster: a ``LocalCluster`` of ``workers`` processes started here, or the
    ``dask.distributed`` scheduler at ``address`` (its workers must see the same paths)."""

    def __init__(self, address: str | None = None, workers: int = 2) -> None:
        self.address = address
        self.workers = workers

    def run(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        import logging

        from distributed import Client, LocalCluster, as_completed

        cluster = None
        if self.address is None:
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port: never a clash with a running cluster
                silence_logs=logging.ERROR,
            )
        client = Client(self.address or cluster)  # type: ignore[no-untyped-call]
        try:
            if self.address is not None:
                self.workers = len(client.scheduler_info()["workers"]) or self.workers
            futures = [
                client.submit(run_task, task, pure=False, priority=len(task.pairs))
                for task in tasks
            ]
            owner = {future.key: task for future, task in zip(futures, tasks, strict=True)}
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                try:
                    outcome = future.result()
                except Exception as err:  # a worker lost: the task is recorded as failed
                    outcome = Outcome(owner[future.key], error=f"{type(err).__name__}: {err}")
                future.release()
                yield outcome
        finally:
            client.close()  # type: ignore[no-untyped-call]
            if cluster is not None:
                cluster.close()


# -- the run ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    documents: int  # documents finished (every task done or failed)
    total_documents: int
    pairs: int  # pairs compared in this run
    failed: int  # tasks failed in this run
    seconds: float

    @property
    def rate(self) -> float:
        return self.pairs / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Report:
    documents: int
    tasks: int
    skipped: int  # tasks done by an earlier run
    pairs: int  # pairs compared in this run
    changes: int  # substantive changes found in this run
    failures: tuple[tuple[str, str], ...]  # (document, error)
    seconds: float
    workers: int
    peak_memory: dict[str, int] = field(default_factory=dict)  # worker → bytes
    busy: float = 0.0  # seconds spent in tasks, summed over workers

    @property
    def rate(self) -> float:
        return self.pairs / self.seconds if self.seconds > 0 else 0.0


def run_batch(
    sources: Sequence[str],
    out: str | os.PathLike[str],
    *,
    pairing: str = "consecutive",
    fmt: str = "parquet",
    executor: Executor | None = None,
    task_pairs: int = TASK_PAIRS,
    progress: Callable[[Progress], None] | None = None,
) -> Report:
    """Compare every pair of every document in ``sources`` that ``out`` does not hold yet."""
    if pairing not in PAIRINGS:
        raise ValueError(f"pairing must be one of {PAIRINGS}")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    found = histories(sources)
    output = Output(out, pairing=pairing, fmt=fmt)
    tasks = plan(found, pairing, task_pairs)
    output.prune(tasks)
    missing = [t for t in tasks if not output.done(t)]
    executor = executor or LocalWorkers()
    remaining: dict[str, int] = {}
    for task in missing:
        remaining[task.document] = remaining.get(task.document, 0) + 1
    started = time.perf_counter()
    pairs = changes = 0
    failures: list[tuple[str, str]] = []
    memory: dict[str, int] = {}
    busy = 0.0
    finished = len(found) - len(remaining)
    if progress:
        progress(Progress(finished, len(found), 0, 0, 0.0))
    for outcome in executor.run(missing) if missing else iter(()):
        output.write(outcome)
        if outcome.error is not None:
            failures.append((outcome.task.document, outcome.error))
        pairs += len(outcome.pairs)
        changes += len(outcome.changes)
        busy += outcome.seconds
        if outcome.worker:
            memory[outcome.worker] = max(memory.get(outcome.worker, 0), outcome.peak_memory)
        remaining[outcome.task.document] -= 1
        finished += remaining[outcome.task.document] == 0
        if progress:
            elapsed = time.perf_counter() - started
            progress(Progress(finished, len(found), pairs, len(failures), elapsed))
    return Report(
        documents=len(found),
        tasks=len(tasks),
        skipped=len(tasks) - len(missing),
        pairs=pairs,
        changes=changes,
        failures=tuple(sorted(failures)),
        seconds=time.perf_counter() - started,
        workers=executor.workers,
        peak_memory=memory,
        busy=busy,
    )
