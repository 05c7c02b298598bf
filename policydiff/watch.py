"""The nightly job: check every policy of a watch file, alert on substantive changes only.

For each policy (concurrently, bounded by ``jobs``): fetch it (live, or the newest archived
capture) through the one HTTP session; keep the capture in the store; compare it with the
last version this job processed; when the change is substantive, write the HTML, Markdown
and JSON reports, add an entry to the Atom feed and notify. A cosmetic change only moves
the baseline. A policy that fails is recorded and the others go on.

Everything that matters survives a crash: captures are in the store before anything else
happens; the baseline moves only after the reports, the feed and every notification are
done; each alert has a stable id and the targets it reached are recorded, so a run started
again finishes the work and sends nothing twice.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from policydiff import notify, versions
from policydiff.archive.http import Session
from policydiff.archive.wayback import IA, WaybackArchive
from policydiff.comparison import compare_documents, comparison_of, read_document
from policydiff.errors import PolicydiffError
from policydiff.files import write_json, write_text
from policydiff.models import Clause, Comparison, Document, Section, Snapshot
from policydiff.notify import Alert
from policydiff.report.atom import FeedEntry, render_feed
from policydiff.report.html import render_html
from policydiff.report.mail import render_mail_html, subject, what_matters
from policydiff.report.markdown import render_markdown
from policydiff.report.story import story
from policydiff.report.text import render_text
from policydiff.store import Store, Stored
from policydiff.watchfile import Policy, WatchFile, user_pattern

__all__ = ["Outcome", "WatchState", "run_watch", "without_ignored"]

FEED_TITLE = "policydiff: substantive changes"
POLICY_DEADLINE = 600.0  # seconds of network work for one policy, retries and pauses included
LOCK_NAME = "watch.lock"  # in --out, and (with a dot) in the store: one run at a time


@dataclass(frozen=True, slots=True)
class Outcome:
    name: str
    status: str  # first, unchanged, cosmetic, changed, failed
    message: str
    alert: str | None = None
    reports: dict[str, str] = field(default_factory=dict)
    fetch_seconds: float = 0.0
    compare_seconds: float = 0.0


class WatchState:
    """``state.json`` and ``feed.json`` in the output folder, written atomically."""

    def __init__(self, out: Path, base_url: str | None = None) -> None:
        self.out = out
        self.base_url = base_url
        self.lock = threading.RLock()
        self.path = out / "state.json"
        self.data: dict[str, Any] = _read_json(self.path, {"policies": {}})
        self.feed: list[dict[str, Any]] = _read_json(out / "feed.json", [])

    @property
    def feed_id(self) -> str:
        """The feed's id, made once per installation (output folder) and kept: two
        installations never share one."""
        with self.lock:
            if "feed_id" not in self.data:
                self.data["feed_id"] = f"urn:uuid:{uuid.uuid4()}"
                write_json(self.path, self.data)
            return str(self.data["feed_id"])

    def policy(self, name: str) -> dict[str, Any]:
        with self.lock:
            return dict(self.data["policies"].get(name, {}))

    def update(self, name: str, **values: Any) -> None:
        with self.lock:
            entry = self.data["policies"].setdefault(name, {})
            entry.update(values)
            write_json(self.path, self.data)

    def record_sent(self, name: str, alert: str, target: str) -> None:
        with self.lock:
            entry = self.data["policies"].setdefault(name, {})
            sent = entry.setdefault("sent", {}).setdefault(alert, [])
            if target not in sent:
                sent.append(target)
            write_json(self.path, self.data)

    def sent(self, name: str, alert: str) -> list[str]:
        with self.lock:
            return list(self.data["policies"].get(name, {}).get("sent", {}).get(alert, []))

    def add_feed_entry(self, entry: FeedEntry) -> None:
        with self.lock:
            if any(e["id"] == entry.id for e in self.feed):
                return
            self.feed.append(
                {
                    "id": entry.id,
                    "title": entry.title,
                    "updated": entry.updated.isoformat(),
                    "link": entry.link,
                    "summary": entry.summary,
                    "content": entry.content,
                }
            )
            write_json(self.out / "feed.json", self.feed)
            entries = [
                FeedEntry(
                    e["id"],
                    e["title"],
                    datetime.fromisoformat(e["updated"]),
                    e["link"],
                    e["summary"],
                    e["content"],
                )
                for e in self.feed
            ]
            newest = max(e.updated for e in entries)
            feed = render_feed(
                entries,
                feed_id=self.feed_id,
                title=FEED_TITLE,
                updated=newest,
                self_link=f"{self.base_url}/feed.xml" if self.base_url else None,
            )
            write_text(self.out / "feed.xml", feed)


def run_watch(
    watch: WatchFile,
    *,
    store: Store,
    out: Path,
    jobs: int = 4,
    only: Iterable[str] | None = None,
    session: Session | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC).replace(microsecond=0),
    policy_deadline: float = POLICY_DEADLINE,
    base_url: str | None = None,
) -> list[Outcome]:
    """Check the policies; returns one outcome per policy, in the watch file's order.

    Each policy's network work ends within ``policy_deadline`` seconds, or the policy fails.
    ``base_url`` (else the watch file's ``base_url``) is where ``out`` is published: the
    feed's and the alerts' links to reports are absolute under it."""
    out.mkdir(parents=True, exist_ok=True)
    with (
        _exclusive(out / LOCK_NAME, f"--out {out}"),
        _exclusive(Path(store.root) / f".{LOCK_NAME}", f"the store {store.root}"),
    ):
        return _run(watch, store, out, jobs, only, session, clock, policy_deadline, base_url)


@contextlib.contextmanager
def _exclusive(path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` for the block: two runs on one output folder or one
    store would send every alert twice and store a capture twice."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise PolicydiffError(
                f"another watch run is using {what}; try again when it has finished"
            ) from err
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(
    watch: WatchFile,
    store: Store,
    out: Path,
    jobs: int,
    only: Iterable[str] | None,
    session: Session | None,
    clock: Callable[[], datetime],
    policy_deadline: float,
    base_url: str | None,
) -> list[Outcome]:
    wanted = set(only or ())
    unknown = wanted - {p.name for p in watch.policies}
    if unknown:
        raise PolicydiffError(f"no policy named {', '.join(sorted(unknown))} in {watch.path}")
    policies = [p for p in watch.policies if not wanted or p.name in wanted]
    base = base_url or watch.base_url
    state = WatchState(out, base.rstrip("/") if base else None)
    session = session or Session()
    archives: dict[tuple[str, str | None], WaybackArchive] = {}
    archives_lock = threading.Lock()

    def archive_for(policy: Policy) -> WaybackArchive:
        key = (policy.archive or IA, policy.archive_kind)
        with archives_lock:
            if key not in archives:
                archives[key] = WaybackArchive(key[0], session, kind=key[1])
            return archives[key]

    def job(policy: Policy) -> Outcome:
        try:
            # Every URL here comes from the watch file: public addresses only, unless it
            # allows private ones; and the whole check has a deadline.
            with session.scope(
                seconds=policy_deadline,
                what=f"checking {policy.name}",
                untrusted=True,
                allow_private=policy.allow_private,
            ):
                return _check(policy, watch, store, out, state, session, archive_for, clock)
        except PolicydiffError as err:
            state.update(policy.name, last_check=clock().isoformat(), last_error=str(err))
            return Outcome(policy.name, "failed", str(err))
        except Exception as err:  # one policy's bug never stops the others
            message = f"unexpected {type(err).__name__}: {err}"
            state.update(policy.name, last_check=clock().isoformat(), last_error=message)
            return Outcome(policy.name, "failed", message)

    started = clock()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = list(pool.map(job, policies))
    write_json(
        out / "run.json",
        {
            "started": started.isoformat(),
            "finished": clock().isoformat(),
            "policies": [dataclasses.asdict(o) for o in outcomes],
        },
    )
    return outcomes


def _check(
    policy: Policy,
    watch: WatchFile,
    store: Store,
    out: Path,
    state: WatchState,
    session: Session,
    archive_for: Callable[[Policy], WaybackArchive],
    clock: Callable[[], datetime],
) -> Outcome:
    started = time.perf_counter()
    snapshot = _fetch(policy, store, session, archive_for, clock)
    fetched = time.perf_counter()
    remembered = state.policy(policy.name)
    baseline = _baseline(remembered, store, policy.url)
    recorded = remembered.get("baseline_sha256") or remembered.get("baseline")
    if baseline is None and not recorded:
        baseline = store.latest(policy.url)
    stored = store.put(snapshot, http_status=200, policy=policy.name)
    now = clock().isoformat()
    if baseline is None and recorded and remembered.get("baseline_sha256") != stored.sha256:
        # The last version is gone from the store (deleted, or another store): this
        # capture cannot be compared with it. Say so loudly; it is the new baseline.
        state.update(
            policy.name,
            baseline_sha256=stored.sha256,
            baseline=None,
            last_check=now,
            last_error="the last version is no longer in the store",
        )
        return Outcome(
            policy.name,
            "failed",
            f"the last version (sha256 {str(remembered.get('baseline_sha256') or '?')[:12]}) is "
            "no longer in the store, so this capture cannot be compared with it; it is kept as "
            "the new baseline",
            fetch_seconds=fetched - started,
        )
    if baseline is None:
        if not recorded:
            if policy.selector:  # a selector that matches nothing: say so now, not at a change
                read_document(stored.snapshot(), selector=policy.selector)
            state.update(
                policy.name, baseline_sha256=stored.sha256, last_check=now, last_error=None
            )
            return Outcome(
                policy.name,
                "first",
                f"first capture stored: {stored.path.name}",
                fetch_seconds=fetched - started,
            )
        baseline = stored  # the same content as the recorded baseline
    if baseline.sha256 == stored.sha256:
        state.update(policy.name, last_check=now, last_error=None)
        return Outcome(
            policy.name,
            "unchanged",
            "same content as the last version",
            fetch_seconds=fetched - started,
        )
    # Named by URL, not by their files in the store: reports are published.
    comparison = _compare(
        dataclasses.replace(baseline.snapshot(), name=None),
        dataclasses.replace(stored.snapshot(), name=None),
        policy,
    )
    compared = time.perf_counter()
    fetch_seconds, compare_seconds = fetched - started, compared - fetched
    if not comparison.summary.substantive:
        state.update(
            policy.name,
            baseline_sha256=stored.sha256,
            baseline=None,
            last_check=now,
            last_error=None,
        )
        quiet = len(comparison.changed())
        return Outcome(
            policy.name,
            "cosmetic",
            f"{quiet} cosmetic change(s), no alert" if quiet else "same text, new bytes",
            fetch_seconds=fetch_seconds,
            compare_seconds=compare_seconds,
        )
    # Each change is its own alert, also when a policy flips back and forth (A -> B -> A -> B):
    # the id counts the policy's changes. A rerun of the same change (killed, or a target
    # failed) keeps the count, so the id, the reports and the feed entry stay the same.
    event = int(remembered.get("changes") or 0) + 1
    alert_id = (
        f"tag:policydiff,2026:{policy.name}/{event}/{baseline.sha256[:16]}-{stored.sha256[:16]}"
    )
    reports = _write_reports(comparison, policy, stored, out, state.base_url, event)
    alert = _alert(alert_id, policy, comparison, reports)
    state.add_feed_entry(
        FeedEntry(
            alert_id, alert.title, stored.captured_at, reports["html"], alert.summary, alert.text
        )
    )
    failures = []
    for target in policy.notify:
        if target in state.sent(policy.name, alert_id):
            continue
        try:
            notify.send(alert, target, watch.targets[target], session)
            state.record_sent(policy.name, alert_id, target)
        except PolicydiffError as err:
            failures.append(str(err))
    if failures:
        # The baseline stays: the next run finds the change again and retries what failed.
        state.update(policy.name, last_check=now, last_error="; ".join(failures))
        return Outcome(
            policy.name,
            "failed",
            "change found, but " + "; ".join(failures),
            alert_id,
            reports,
            fetch_seconds=fetch_seconds,
            compare_seconds=compare_seconds,
        )
    state.update(
        policy.name,
        baseline_sha256=stored.sha256,
        baseline=None,
        changes=event,
        last_check=now,
        last_change=now,
        last_error=None,
        last_alert=alert_id,
    )
    return Outcome(
        policy.name,
        "changed",
        alert.summary,
        alert_id,
        reports,
        fetch_seconds=fetch_seconds,
        compare_seconds=compare_seconds,
    )


def _baseline(remembered: dict[str, Any], store: Store, url: str) -> Stored | None:
    """The stored capture the last run left as the baseline: found by its content digest
    (a path would change with the store's spelling: relative, absolute, moved)."""
    digest = remembered.get("baseline_sha256")
    legacy = remembered.get("baseline")  # a path, as older versions recorded it
    captures = store.captures(url)
    if digest:
        return next((s for s in reversed(captures) if s.sha256 == digest), None)
    if legacy:
        wanted = Path(str(legacy)).resolve()
        return next((s for s in captures if s.path.resolve() == wanted), None)
    return None


def _fetch(
    policy: Policy,
    store: Store,
    session: Session,
    archive_for: Callable[[Policy], WaybackArchive],
    clock: Callable[[], datetime],
) -> Snapshot:
    if policy.source == "wayback":
        return versions.newest(policy.url, archive_for(policy), store)
    return versions.live(policy.url, session, clock=clock)


def _compare(old: Snapshot, new: Snapshot, policy: Policy) -> Comparison:
    old_doc = without_ignored(read_document(old, selector=policy.selector), policy.ignore)
    new_doc = without_ignored(read_document(new, selector=policy.selector), policy.ignore)
    return comparison_of(old, new, old_doc, new_doc, compare_documents(old_doc, new_doc))


def without_ignored(document: Document, ignore: Iterable[str]) -> Document:
    """The document with every ignored string or /pattern/ taken out of its clauses."""
    patterns = [user_pattern(item) for item in ignore]
    if not patterns:
        return document
    sections = []
    for section in document.sections:
        clauses: list[Clause] = []
        for clause in section.clauses:
            text = clause.text
            for pattern in patterns:
                text = pattern.sub("", text)
            text = " ".join(text.split())
            if text:
                clauses.append(
                    dataclasses.replace(clause, text=text) if text != clause.text else clause
                )
        if clauses:
            sections.append(Section(section.heading, section.level, section.number, tuple(clauses)))
    return dataclasses.replace(document, sections=tuple(sections))


def _write_reports(
    comparison: Comparison,
    policy: Policy,
    stored: Stored,
    out: Path,
    base_url: str | None,
    event: int = 1,
) -> dict[str, str]:
    """Write the reports; returns where each is: its URL under ``base_url``, else its path.

    Named by the new version's capture time and the policy's change count: a version seen
    before (a flip back) gets reports of its own, not the earlier change's overwritten."""
    folder = out / policy.name
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{stored.captured_at:%Y%m%d%H%M%S}-{event}"
    paths = {
        "html": folder / f"{stem}.html",
        "markdown": folder / f"{stem}.md",
        "json": folder / f"{stem}.json",
    }
    write_text(paths["html"], render_html(comparison))
    write_text(paths["markdown"], render_markdown(comparison))
    write_json(paths["json"], comparison.to_dict())
    if base_url:
        return {
            kind: f"{base_url}/{quote(policy.name)}/{quote(path.name)}"
            for kind, path in paths.items()
        }
    # Else relative to --out (where feed.xml is): what gets published names no local folder.
    return {kind: path.relative_to(out).as_posix() for kind, path in paths.items()}


def _alert(alert_id: str, policy: Policy, comparison: Comparison, reports: dict[str, str]) -> Alert:
    told = story(comparison)
    summary = "; ".join(item.line for item in told.matters) or "no substantive change"
    data = comparison.to_dict()
    return Alert(
        id=alert_id,
        policy=policy.name,
        url=policy.url,
        title=subject(comparison, policy.name),
        summary=summary,
        text=render_text(comparison),
        html=render_mail_html(comparison, report=reports.get("html")),
        reports=reports,
        payload={
            "what_matters": what_matters(comparison),
            "summary": data["summary"],
            "verdicts": data["verdicts"],
            "old": data["old"],
            "new": data["new"],
            "changes": [c for c in data["changes"] if c["substantive"]],
        },
    )


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return default
    except (OSError, ValueError) as err:
        raise PolicydiffError(f"cannot read {path}: {err}") from err
