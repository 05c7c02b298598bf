"""The ``policydiff`` command. Exit codes: 0 no substantive change, 1 substantive
change(s), 2 usage error, 3 operational error (bad input, unreadable file)."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from policydiff._version import __version__
from policydiff.report import FORMATS, Options, render

if TYPE_CHECKING:
    from policydiff.archive.wayback import WaybackArchive
    from policydiff.models import Snapshot
    from policydiff.store import Store

__all__ = ["main", "run"]

EXIT_SAME, EXIT_CHANGED, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3


class _Failure(click.ClickException):
    """An operational error: one line on stderr, exit code 3."""

    exit_code = EXIT_ERROR

    def show(self, file: object = None) -> None:
        from policydiff.normalize.text import one_line

        click.echo(f"Error: {one_line(self.format_message())}", err=True)


class _Commands(click.Group):
    """The command group; whatever a command raises ends in one line on stderr and exit 3.

    Exit code 1 means "substantive change found" and nothing else: an unexpected
    exception (a bug, a hostile answer nobody foresaw, memory running out) must not
    print a traceback and exit 1, nor may an interrupt (click's Abort exits 1).
    """

    def invoke(self, ctx: click.Context) -> Any:
        from policydiff.errors import BadDate, PolicydiffError

        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit):
            raise
        except BadDate as err:  # the request is wrong, not the world: a usage error
            raise click.UsageError(str(err)) from err
        except PolicydiffError as err:
            raise _Failure(str(err)) from err
        except MemoryError as err:
            raise _Failure("out of memory: the input is too large to compare") from err
        except (KeyboardInterrupt, click.Abort) as err:
            raise _Failure("interrupted") from err
        except RecursionError as err:
            raise _Failure("the input is nested too deeply to read") from err
        except Exception as err:  # a bug: say what it was, in one line
            raise _Failure(f"unexpected error ({type(err).__name__}): {err}") from err


def _read(reference: str, store: str | None, archive: str | None) -> Snapshot:
    """A command-line reference as a snapshot: ``-`` is standard input, else a file,
    ``URL@DATE``, ``URL@latest``, ``live:URL`` or an archive's address of a capture."""
    from policydiff.errors import BadDate
    from policydiff.models import Snapshot

    if reference == "-":
        return Snapshot(content=sys.stdin.buffer.read(), source="stdin", name="<stdin>")
    if not reference.startswith("live:") and os.path.exists(reference):
        # A file that exists is a file (as parse_reference says): no store, no archive.
        from policydiff.sources import read_file

        return read_file(reference)
    from policydiff.versions import parse_reference, resolve

    try:
        if parse_reference(reference).kind == "file" and (
            "://" not in reference or os.path.exists(reference)  # else an archive's address
        ):  # no archive client, no network stack
            return resolve(reference, store=_store(store))
        return resolve(
            reference, store=_store(store), archive=_archive(archive), offline=_offline()
        )
    except BadDate as err:
        raise click.BadParameter(str(err), param_hint=repr(reference)) from err


def _use_color(choice: str, fmt: str) -> bool:
    """Colour for text on a terminal, unless NO_COLOR is set or TERM=dumb; --color always
    and never decide for themselves."""
    if fmt != "text" or choice == "never":
        return False
    if choice == "always":
        return True
    return (
        sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
        and os.environ.get("TERM", "") != "dumb"
    )


def _emit(text: str, *, color: bool = False, output: str | None = None, wrap: bool = False) -> None:
    """A command's output: into -o FILE, else to standard output. On a terminal, text is
    wrapped to its width and output taller than the terminal goes through the pager ($PAGER,
    else less; as git does)."""
    if output:
        from pathlib import Path

        try:
            Path(output).write_text(text, "utf-8")
        except OSError as err:
            raise _Failure(f"cannot write {output}: {err.strerror or err}") from err
        return
    if sys.stdout.isatty():
        import shutil

        size = shutil.get_terminal_size()
        if wrap:
            text = _wrap(text, size.columns)
        if text.count("\n") >= size.lines and os.environ.get("TERM", "") != "dumb":
            os.environ.setdefault("LESS", "FRX")  # quit if one screen, keep colours
            click.echo_via_pager(text, color=color)
            return
    click.echo(text, nl=False, color=color)


def _wrap(text: str, width: int) -> str:
    """Lines longer than ``width`` wrapped at spaces, continuation lines indented."""
    import re
    import textwrap

    ansi = re.compile(r"\x1b\[[0-9;]*m")
    lines = []
    for line in text.split("\n"):
        if len(ansi.sub("", line)) <= width:
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        lines.extend(
            textwrap.wrap(
                line.strip(),
                width,
                initial_indent=indent,
                subsequent_indent=indent + "  ",
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [line]
        )
    return "\n".join(lines)


def _store(path: str | None) -> Store:
    from policydiff.store import Store, default_root

    return Store(path or default_root())


_F = TypeVar("_F", bound=Callable[..., Any])


def _sources(command: _F) -> _F:
    """--store, --archive, --archive-kind and --offline, for every command that reads
    stored or archived versions."""
    command = click.option(
        "--offline",
        is_flag=True,
        expose_value=False,
        envvar="POLICYDIFF_OFFLINE",
        callback=_remember_offline,
        help="Never touch the network: only files and the store answer "
        "(also POLICYDIFF_OFFLINE=1).",
    )(command)
    command = click.option(
        "--archive-kind",
        type=click.Choice(["ia", "pywb"]),
        envvar="POLICYDIFF_ARCHIVE_KIND",
        expose_value=False,
        callback=_remember_kind,
        help=_KIND_HELP,
    )(command)
    command = click.option("--archive", metavar="URL", help=_ARCHIVE_HELP)(command)
    return click.option("--store", "store_dir", metavar="DIR", help=_STORE_HELP)(command)


def _remember_offline(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    ctx.meta["policydiff.offline"] = value


def _offline() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get("policydiff.offline"))


def _private(command: _F) -> _F:
    """--allow-private: live pages (and a watch file's URLs) may reach private addresses."""
    return click.option(
        "--allow-private",
        is_flag=True,
        expose_value=False,
        callback=_remember_private,
        help="Let live pages and watch-file URLs reach loopback, private and link-local "
        "addresses (refused by default; also $POLICYDIFF_ALLOW_PRIVATE=1).",
    )(command)


def _remember_private(context: click.Context, _: click.Parameter, value: bool) -> None:
    context.meta["policydiff.allow_private"] = value


def _allow_private() -> bool | None:
    """True when --allow-private was given, else None (the environment decides)."""
    context = click.get_current_context(silent=True)
    return True if context and context.meta.get("policydiff.allow_private") else None


def _remember_kind(context: click.Context, _: click.Parameter, value: str | None) -> None:
    context.meta["policydiff.archive_kind"] = value


def _limit(command: _F) -> _F:
    """--limit, the oldest N captures only (the rest of the index is not read)."""
    return click.option(
        "--limit",
        type=click.IntRange(min=1),
        metavar="N",
        help="Only the oldest N captures (from --from on); reads no more of the index.",
    )(command)


def _dates(command: _F) -> _F:
    """--from and --to, a range of capture dates."""
    command = click.option(
        "--to", "end", metavar="DATE", help="Last date, inclusive (the end of the period named)."
    )(command)
    return click.option(
        "--from",
        "start",
        metavar="DATE",
        help="First date: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH:MM or a 14-digit timestamp.",
    )(command)


def _archive(base: str | None) -> WaybackArchive:
    """The archive of --archive (or $POLICYDIFF_ARCHIVE, else the Internet Archive), spoken
    to in the dialect of --archive-kind (by default: ia for archive.org, pywb otherwise)."""
    from policydiff.archive.wayback import IA

    context = click.get_current_context(silent=True)
    kind = context.meta.get("policydiff.archive_kind") if context else None
    base = base or os.environ.get("POLICYDIFF_ARCHIVE") or IA
    return _client(base, kind, _offline(), _allow_private())


@functools.cache
def _client(
    base: str, kind: str | None, offline: bool = False, allow_private: bool | None = None
) -> WaybackArchive:
    """One archive client (and so one session and one rate limit) per process, archive,
    offline mode and --allow-private."""
    from policydiff.archive.http import Session
    from policydiff.archive.wayback import WaybackArchive

    return WaybackArchive(base, Session(offline=offline, allow_private=allow_private), kind=kind)


_STORE_HELP = "Store of captures (default: $POLICYDIFF_STORE, else the per-user data folder)."
_ARCHIVE_HELP = (
    "Base URL of a Wayback-compatible archive, e.g. http://host/web for a pywb "
    "collection (default: $POLICYDIFF_ARCHIVE, else the Internet Archive)."
)
_KIND_HELP = (
    "How to speak to --archive: ia (the Internet Archive's CDX server, also for its mirrors "
    "and proxies) or pywb (default: $POLICYDIFF_ARCHIVE_KIND, else ia for archive.org "
    "addresses and pywb for any other)."
)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policydiff")
def main() -> None:
    """What changed in a privacy policy, clause by clause, and what the change means.

    Exit codes: 0 no substantive change, 1 substantive change(s) found,
    2 usage error, 3 operational error (unreadable or invalid input).
    """
    from policydiff import datacache

    # The language data as the last run left it (~/.cache/policydiff); the program has read
    # it already (policydiff.program), a caller of ``main`` has not.
    datacache.use()


@main.command(short_help="Compare two versions of a policy, clause by clause.")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="[NEW]", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="text",
    show_default=True,
    help="; ".join(f"{f.name}: {f.help}" for f in FORMATS.values()) + ".",
)
@click.option(
    "--selector",
    metavar="CSS",
    help="CSS selector of the policy's element in HTML pages (default: found by text density).",
)
@click.option(
    "--all", "include_unchanged", is_flag=True, help="Also list the clauses that did not change."
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="PATTERN",
    help="Leave this string, or /regular expression/, out of every clause before comparing "
    "(repeatable).",
)
@click.option("--stat", is_flag=True, help="Only the counts, in one line.")
@click.option(
    "-q", "--quiet", is_flag=True, help="No output: the exit code tells (0 same, 1 changed)."
)
@click.option(
    "-o", "--output", metavar="FILE", help="Write the report into FILE instead of standard output."
)
@_sources
@_private
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text output (auto: on a terminal, unless NO_COLOR is set or TERM=dumb).",
)
def compare(
    old: str,
    new: str | None,
    fmt: str,
    selector: str | None,
    include_unchanged: bool,
    ignore: tuple[str, ...],
    stat: bool,
    quiet: bool,
    output: str | None,
    store_dir: str | None,
    archive: str | None,
    color: str,
) -> None:
    """Compare two versions of a policy. OLD and NEW are each a file (HTML, Markdown or
    plain text, told apart by extension or content), - for standard input,
    URL@DATE (the newest capture at or before DATE: 2024, 2024-07 or 2024-07-20; from
    the store, else the archive), URL@latest, live:URL, or the archive's address of a
    capture (https://web.archive.org/web/20240715181441/https://telegram.org/privacy). With
    one URL alone, the page as it is now is compared with the last version the store holds.

    Substantive changes are shown word by word; cosmetic ones (case, punctuation,
    numbering, link targets, date lines, renames) are listed in one line each.
    """
    from policydiff.api import compare as run_compare
    from policydiff.errors import PolicydiffError

    try:
        if new is None:
            before, after = _against_stored(old, store_dir, archive)
        else:
            before, after = _read(old, store_dir, archive), _read(new, store_dir, archive)
        if ignore:
            result = _compare_ignoring(before, after, selector, ignore)
        else:
            result = run_compare(before, after, selector=selector)
    except PolicydiffError as err:
        raise _Failure(str(err)) from err
    code = EXIT_CHANGED if result.summary.substantive else EXIT_SAME
    if quiet:
        _done(code)
    if stat:
        _emit(_stat(result), output=output)
        _done(code)
    use_color = _use_color(color, fmt) and not output
    options = Options(color=use_color, include_unchanged=include_unchanged)
    _emit(render(result, fmt, options), color=use_color, output=output, wrap=fmt == "text")
    _done(code)


def _against_stored(url: str, store_dir: str | None, archive: str | None) -> tuple[Any, Any]:
    """``compare URL``: the store's last version of URL, and the page as it is now."""
    from pathlib import Path

    target = url.removeprefix("live:")
    if Path(url).exists() or not ("://" in target or "." in target.split("/")[0]):
        raise click.UsageError(
            "Missing argument 'NEW' (compare one URL alone with its last stored version)."
        )
    store = _store(store_dir)
    target = target if "://" in target else "https://" + target
    held = store.latest(target)
    if held is None:
        raise _Failure(
            f"the store ({store.root}) holds no version of {target}: "
            f"run `policydiff fetch {target}` first, or give OLD and NEW"
        )
    return held.snapshot(), _read("live:" + target, store_dir, archive)


def _compare_ignoring(old: Any, new: Any, selector: str | None, ignore: tuple[str, ...]) -> Any:
    """The comparison with every --ignore string or /pattern/ left out of the clauses
    (patterns in RE2 syntax, as a watch file's: linear time)."""
    from policydiff.api import Result
    from policydiff.comparison import compare_documents, read_document
    from policydiff.watch import without_ignored
    from policydiff.watchfile import user_pattern

    for pattern in ignore:
        try:
            user_pattern(pattern)
        except ValueError as err:
            raise click.BadParameter(str(err), param_hint="--ignore") from err
    old_doc = without_ignored(read_document(old, selector=selector), ignore)
    new_doc = without_ignored(read_document(new, selector=selector), ignore)
    return Result(old, new, old_doc, new_doc, compare_documents(old_doc, new_doc))


def _stat(result: Any) -> str:
    s = result.summary
    line = (
        f"{s.substantive} substantive · {s.added} added · {s.removed} removed · "
        f"{s.modified} modified · {s.moved} moved · {s.unchanged} unchanged"
    )
    verdicts = [f"{n} {name}" for name, n in result.verdicts.items() if n]
    return line + (f" · {', '.join(verdicts)}" if verdicts else "") + "\n"


def _date_option(value: str | None, end: bool) -> datetime | None:
    from policydiff.versions import parse_date

    if value is None:
        return None
    try:
        return parse_date(value)[1 if end else 0]
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--to" if end else "--from") from err


def _range(start: str | None, end: str | None) -> tuple[datetime | None, datetime | None]:
    """--from and --to as moments; a range that ends before it starts is a usage error."""
    first, last = _date_option(start, False), _date_option(end, True)
    if first and last and first > last:
        raise click.UsageError(f"--from {start} is after --to {end}: the range is empty")
    return first, last


def _span(first: datetime | None, last: datetime | None) -> str:
    if first and last:
        return f"from {first:%Y-%m-%d %H:%M:%S} to {last:%Y-%m-%d %H:%M:%S} UTC"
    if first:
        return f"from {first:%Y-%m-%d %H:%M:%S} UTC on"
    if last:
        return f"at or before {last:%Y-%m-%d %H:%M:%S} UTC"
    return "in the archive"


@main.command(short_help="List the archived captures of a policy.")
@click.argument("url")
@_dates
@_limit
@_sources
@_private
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def history(
    url: str,
    start: str | None,
    end: str | None,
    limit: int | None,
    archive: str | None,
    store_dir: str | None,
    fmt: str,
) -> None:
    """List the captures of URL in a Wayback-compatible archive (HTTP 200 only, repeated
    content collapsed): time, status, digest, size, whether the content is new, and
    whether the store already holds it."""
    from policydiff.errors import PolicydiffError

    store = _store(store_dir)
    client = _archive(archive)
    first, last = _range(start, end)
    try:
        captures = client.captures(url, start=first, end=last, limit=limit)
        held = store.digests(url)
    except PolicydiffError as err:
        raise _Failure(str(err)) from err
    if client.skipped_rows:
        click.echo(
            f"left out {client.skipped_rows} index rows with an impossible date or shape", err=True
        )
    if fmt == "json":
        rows = [
            {
                "timestamp": c.timestamp,
                "captured_at": c.captured_at.isoformat(),
                "url": c.original,
                "status": c.status,
                "mimetype": c.mimetype,
                "digest": c.digest,
                "length": c.length,
                "new_content": c.new_content,
                "stored": c.digest in held,
            }
            for c in captures
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    if not captures:
        click.echo(f"no captures of {url} {_span(first, last)}")
        return
    click.echo(f"{'captured (UTC)':<20} {'status':>6} {'digest':<14} {'size':>9}  content  stored")
    for c in captures:
        size = f"{c.length:,}" if c.length is not None else "-"
        click.echo(
            f"{c.captured_at:%Y-%m-%d %H:%M:%S}  {c.status or '-':>6} {c.digest[:12]:<14} "
            f"{size:>9}  {'new' if c.new_content else 'repeat':<7}  {'yes' if c.digest in held else 'no'}"
        )
    new = sum(c.new_content for c in captures)
    click.echo(f"{len(captures)} captures, {new} with new content")


@main.command(short_help="Download archived captures of a policy into the store.")
@click.argument("url")
@_dates
@_limit
@click.option("--at", "at", metavar="DATE", help="Only the newest capture at or before DATE.")
@_sources
@_private
def fetch(
    url: str,
    start: str | None,
    end: str | None,
    limit: int | None,
    at: str | None,
    archive: str | None,
    store_dir: str | None,
) -> None:
    """Download the captures of URL that the store does not hold yet, one per distinct
    content, with their provenance. Safe to interrupt and run again: it resumes."""
    from policydiff.errors import NoCapture, PolicydiffError
    from policydiff.versions import fetch_missing

    if at and (start or end or limit):
        raise click.UsageError("--at cannot be combined with --from/--to or --limit")
    store = _store(store_dir)
    client = _archive(archive)
    first, last = (None, _date_option(at, True)) if at else _range(start, end)
    try:
        captures = client.captures(url, start=first, end=last, limit=limit)
        if at:
            captures = captures[-1:]
        if not captures:
            raise NoCapture(url, _span(first, last))
        held = store.digests(url)
    except PolicydiffError as err:
        raise _Failure(str(err)) from err
    missing = [c for c in captures if c.new_content and c.digest not in held]
    click.echo(f"{len(captures)} captures, {len(missing)} to download into {store.root}", err=True)
    failed: list[str] = []
    with click.progressbar(length=len(missing), label="fetching", file=sys.stderr) as bar:
        try:
            stored = fetch_missing(
                url, missing, store, client, progress=lambda _: bar.update(1), skipped=failed
            )
        except PolicydiffError as err:
            raise _Failure(
                f"{err} (stored {len(store.digests(url) - held)} before stopping; run again "
                "to resume)"
            ) from err
    for line in failed:
        click.echo(f"skipped {line}", err=True)
    click.echo(f"stored {stored} new captures in {store.root}")
    if failed:
        sys.exit(EXIT_ERROR)


@main.command(short_help="Show the practice frames policydiff reads in a policy.")
@click.argument("source", metavar="FILE")
@click.option("--section", metavar="NUMBER", help="Only this section (and its subsections): 8.3.")
@click.option(
    "--selector", metavar="CSS", help="CSS selector of the policy's element in HTML pages."
)
@_sources
@_private
def explain(
    source: str,
    section: str | None,
    selector: str | None,
    store_dir: str | None,
    archive: str | None,
) -> None:
    """Print, for each clause of FILE (or URL@DATE, live:URL), the frame policydiff reads:
    category, negation, modality, data, recipients, purposes, conditions, safeguards,
    retention, rights. Use it to see why a finding fired, or which words the lexicon lacks."""
    import shutil

    from policydiff.comparison import read_document
    from policydiff.errors import PolicydiffError
    from policydiff.report.explain import render_explain

    try:
        document = read_document(_read(source, store_dir, archive), selector=selector)
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 100
        text = render_explain(document, section, width=max(60, width))
    except PolicydiffError as err:
        raise _Failure(str(err)) from err
    _emit(text)


@main.command(short_help="Follow a policy and each of its clauses through every version.")
@click.argument("source")
@_dates
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="text: a table per version; json: the data; html: a chart and every redline.",
)
@click.option(
    "--selector", metavar="CSS", help="CSS selector of the policy's element in HTML pages."
)
@click.option(
    "--path",
    "path",
    metavar="PATH",
    help="With a git repository as SOURCE: the document's path in it "
    "(e.g. 'Telegram/Privacy Policy.md').",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write the timeline into FILE instead of standard output.",
)
@_sources
@_private
def timeline(
    source: str,
    start: str | None,
    end: str | None,
    fmt: str,
    selector: str | None,
    path: str | None,
    output: str | None,
    store_dir: str | None,
    archive: str | None,
) -> None:
    """The life of a policy. SOURCE is a folder of versions (snapshots/telegram.org/privacy;
    each dated by its sidecar, an Open Terms Archive manifest.json, or a date in its file
    name), a git work tree or bare repository with --path (each commit touching the path is a
    version), a store reference (telegram.org/privacy), or a URL with --from/--to (its
    archived captures are fetched into the store first). Consecutive versions are compared;
    versions whose text is the same are folded together; every clause is followed from its
    first appearance. Technical re-extractions by the archive are marked."""
    from policydiff.errors import PolicydiffError
    from policydiff.timeline import build_timeline
    from policydiff.versions import versions_of

    store = _store(store_dir)
    first, last = _range(start, end)
    try:
        records = versions_of(
            source,
            store=store,
            archive=lambda: _archive(archive),
            start=first,
            end=last,
            path=path,
            offline=_offline(),
        )
        snapshots = [r.snapshot for r in records]
        technical = {r.snapshot.sha256 for r in records if r.technical}
        with click.progressbar(
            length=len(snapshots), label="reading versions", file=sys.stderr, show_pos=True
        ) as bar:

            def advance(done: int, total: int) -> None:
                bar.update(1)

            result = build_timeline(
                snapshots,
                name=f"{source}: {path}" if path else source,
                selector=selector,
                progress=advance,
                technical=technical,
            )
    except PolicydiffError as err:
        raise _Failure(str(err)) from err
    if fmt == "json":
        _emit(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", output=output)
    elif fmt == "html":
        from policydiff.report.timeline import render_timeline_html

        _emit(render_timeline_html(result), output=output)
    else:
        from policydiff.report.timeline import render_timeline_text

        _emit(render_timeline_text(result), output=output, wrap=True)


@main.command(short_help="Check every policy of a watch file; alert on substantive changes.")
@click.argument("watchfile", type=click.Path(dir_okay=False))
@click.option("--store", "store_dir", metavar="DIR", help=_STORE_HELP)
@click.option(
    "--out",
    "out_dir",
    metavar="DIR",
    default="policydiff-watch",
    show_default=True,
    help="Where reports, feed.xml, run.json and the run's state go.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Policies checked at once.",
)
@click.option("--only", multiple=True, metavar="NAME", help="Only this policy (repeatable).")
@click.option("--status", is_flag=True, help="Show the last check, change and error per policy.")
@_private
@click.option(
    "--base-url",
    metavar="URL",
    help="Where --out is published (e.g. https://example.org/watch): links in the feed and "
    "the alerts become absolute under it (default: base_url in WATCHFILE).",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Check WATCHFILE and resolve every notification target's secrets; fetch and send nothing.",
)
@click.option(
    "--test-notify",
    is_flag=True,
    help="Send one test notification to every configured target, then stop.",
)
def watch(
    watchfile: str,
    store_dir: str | None,
    out_dir: str,
    jobs: int,
    only: tuple[str, ...],
    status: bool,
    base_url: str | None,
    check_only: bool,
    test_notify: bool,
) -> None:
    """Check each policy of WATCHFILE (TOML: see examples/watch.toml): fetch it, keep new
    content in the store, compare with the last version, and for substantive changes only
    write HTML, Markdown and JSON reports into --out, add an Atom entry to --out/feed.xml and
    notify (webhook, e-mail, Apprise: Slack, Matrix, Discord, Teams, ntfy…). Cosmetic changes
    never alert. A failing policy never stops the others. Safe to kill and start again:
    nothing is lost or sent twice.

    Exit codes: 0 nothing substantive changed, 1 substantive change(s) found, 3 some
    policies failed (details on stderr and in --out/run.json), or --check / --test-notify
    found a problem.
    """
    from pathlib import Path

    from policydiff.errors import PolicydiffError
    from policydiff.watch import WatchState, run_watch
    from policydiff.watchfile import load_watchfile

    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise click.BadParameter("needs an http:// or https:// URL", param_hint="--base-url")
    out = Path(out_dir)
    try:
        config = load_watchfile(watchfile)
        if check_only or test_notify:
            sys.exit(_check_watch(config, send=test_notify))
        if status:
            if not (out / "state.json").is_file():
                raise click.BadParameter(
                    f"{out} holds no watch state: no run has written there yet "
                    "(give the --out of your runs)",
                    param_hint="--out",
                )
            from policydiff.normalize.text import one_line

            state = WatchState(out)
            click.echo(f"{'policy':<28} {'last check':<26} {'last change':<26} last error")
            for policy in config.policies:
                entry = state.policy(policy.name)
                click.echo(
                    f"{policy.name:<28} {one_line(entry.get('last_check') or '-'):<26} "
                    f"{one_line(entry.get('last_change') or '-'):<26} "
                    f"{one_line(entry.get('last_error') or '-')}"
                )
            return
        from policydiff.archive.http import Session

        outcomes = run_watch(
            config,
            store=_store(store_dir),
            out=out,
            jobs=jobs,
            only=only or None,
            session=Session(allow_private=_allow_private()),
            base_url=base_url,
        )
    except PolicydiffError as err:
        raise _Failure(str(err)) from err
    from policydiff.normalize.text import one_line

    for outcome in outcomes:
        line = f"{outcome.name:<28} {outcome.status:<9} {one_line(outcome.message)}"
        click.echo(line, err=outcome.status == "failed")
    changed = sum(o.status == "changed" for o in outcomes)
    failed = sum(o.status == "failed" for o in outcomes)
    click.echo(
        f"{len(outcomes)} policies: {changed} changed substantively, {failed} failed; "
        f"details in {out / 'run.json'}"
    )
    if failed:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_CHANGED if changed else EXIT_SAME)


def _check_watch(config: Any, *, send: bool) -> int:
    """--check and --test-notify: one line per target; the exit code."""
    from datetime import UTC, datetime

    from policydiff import notify
    from policydiff.archive.http import Session
    from policydiff.errors import PolicydiffError
    from policydiff.normalize.text import one_line

    click.echo(f"{config.path}: {len(config.policies)} policies, valid")
    used = {name for policy in config.policies for name in policy.notify}
    problems = 0
    # The targets come from the watch file: public addresses only, unless it (or the user)
    # allows private ones, as in a run.
    allowed = True if config.allow_private else _allow_private()
    session = Session(untrusted=True, allow_private=allowed)
    for name, target in config.targets.items():
        try:
            line = notify.check(name, target)
            if send:
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                notify.send(_test_alert(stamp), name, target, session)
                line += "; test notification sent"
        except PolicydiffError as err:
            problems += 1
            click.echo(one_line(f"{name}: {err}"), err=True)
            continue
        click.echo(line + ("" if name in used else " (no policy notifies it)"))
    if not config.targets:
        click.echo(
            "no notification targets configured ([notify.webhook], [notify.email], "
            "[notify.apprise])"
        )
    return EXIT_ERROR if problems else EXIT_SAME


def _test_alert(stamp: str) -> Any:
    from policydiff.notify import Alert

    text = "A test notification from policydiff watch --test-notify: this target works."
    return Alert(
        id=f"tag:policydiff,2026:test/{stamp}",
        policy="policydiff-test",
        url="https://example.org/privacy",
        title="policydiff: test notification",
        summary=text,
        text=text,
        html=f"<p>{text}</p>",
        reports={},
        payload={"test": True},
    )


@main.command(short_help="Compare every pair of versions of many documents into a dataset.")
@click.argument("sources", metavar="SOURCE...", nargs=-1, required=True)
@click.option("--out", "out_dir", metavar="DIR", required=True, help="The dataset's folder.")
@click.option(
    "--pairs",
    "pairing",
    type=click.Choice(["consecutive", "first-last"]),
    default="consecutive",
    show_default=True,
    help="Which versions of each document are compared.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "jsonl"]),
    default="parquet",
    show_default=True,
    help="Parquet files (pyarrow) or JSON lines.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 1024),
    metavar="N",
    help="Worker processes (default: one per CPU; with --dask, the cluster's size: 2).",
)
@click.option("--dask", "use_dask", is_flag=True, help="Run on a local Dask cluster.")
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Run on an existing dask.distributed cluster (tcp://HOST:8786); its workers must "
    "see the SOURCE paths.",
)
@click.option(
    "--task-pairs",
    type=click.IntRange(1, 100_000),
    default=40,
    show_default=True,
    help="At most this many pairs of one document in one task.",
)
def batch(
    sources: tuple[str, ...],
    out_dir: str,
    pairing: str,
    fmt: str,
    workers: int | None,
    use_dask: bool,
    scheduler: str | None,
    task_pairs: int,
) -> None:
    """Compare every consecutive pair of versions (or the first and last) of every document
    in SOURCE... and write one row per pair and one per substantive change into DIR, a
    dataset to query with DuckDB or pandas (see README, "Corpus studies").

    SOURCE is a folder of histories (service/document/dated files, with or without Open Terms
    Archive's manifest.json), a git repository with one commit per version (Open Terms
    Archive's Service/Document.md), or a manifest file (CSV or JSON lines: document, date,
    path or url). Safe to kill and start again: a rerun computes only what DIR lacks.

    Exit codes: 0 every document compared, 3 some failed (their errors are in
    DIR/failures and on stderr).
    """
    import importlib.util

    from policydiff.errors import PolicydiffError

    if use_dask and scheduler:
        raise click.UsageError("--dask and --scheduler cannot be combined")
    needed = (["pyarrow"] if fmt == "parquet" else []) + (
        ["distributed"] if use_dask or scheduler else []
    )
    lacking = [name for name in needed if importlib.util.find_spec(name) is None]
    if lacking:
        raise _Failure(f"batch needs {', '.join(lacking)}: pip install 'policydiff[batch]'")
    from policydiff.batch import DaskCluster, Executor, LocalWorkers, Progress, run_batch

    executor: Executor
    if use_dask or scheduler:
        executor = DaskCluster(scheduler, workers or 2)
    else:
        executor = LocalWorkers(workers)
    show = sys.stderr.isatty()

    def progress(state: Progress) -> None:
        if show:
            click.echo(
                f"\r{state.documents}/{state.total_documents} documents, {state.pairs} pairs "
                f"({state.rate:.1f}/s), {state.failed} failed ",
                nl=False,
                err=True,
            )

    try:
        report = run_batch(
            sources,
            out_dir,
            pairing=pairing,
            fmt=fmt,
            executor=executor,
            task_pairs=task_pairs,
            progress=progress,
        )
    except PolicydiffError as err:
        raise _Failure(str(err)) from err
    if show:
        click.echo("", err=True)
    for document, error in report.failures:
        click.echo(f"failed {document}: {error}", err=True)
    click.echo(
        f"{report.documents} documents, {report.pairs} pairs compared "
        f"({report.skipped} of {report.tasks} tasks already done), {report.changes} "
        f"substantive changes, {len(report.failures)} failed; {report.rate:.1f} pairs/s "
        f"on {report.workers} workers; dataset in {out_dir}"
    )
    if report.failures:
        sys.exit(EXIT_ERROR)


# --version on every command, not only on the group.
for _command in main.commands.values():
    click.version_option(__version__, prog_name="policydiff")(_command)


class _Done(SystemExit):
    """A command's normal end with nothing left running: no threads, no child processes,
    no open files but the standard streams."""


def _done(code: int) -> NoReturn:
    raise _Done(code)


def run() -> None:
    """The command line as the ``policydiff`` program runs it (``policydiff.program``, which
    reads the language cache first): ``main``, and after a command's normal end (``_done``) an exit that leaves the freeing of the process's
    memory to the operating system: standard streams flushed and exit handlers run (the
    language cache written), then ``os._exit``. Tearing the interpreter down object by
    object costs about 10 ms after a comparison, a tenth of the command (mypy and Mercurial
    exit this way too). Every other end is a normal exit."""
    try:
        main()
    except _Done as done:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:  # a closed pipe: the normal exit says so as it always has
            raise SystemExit(done.code) from None
        import atexit

        atexit._run_exitfuncs()
        os._exit(done.code if isinstance(done.code, int) else EXIT_ERROR)
