"""The ``policydiff`` command. Exit codes: 0 no substantive change, 1 substantive
change(s), 2 usage error, 3 operational error (bad input, unreadable file)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from policydiff import __version__

if TYPE_CHECKING:
    from policydiff.models import Snapshot

__all__ = ["main"]

EXIT_SAME, EXIT_CHANGED, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3


class _Failure(click.ClickException):
    """An operational error: one line on stderr, exit code 3."""

    exit_code = EXIT_ERROR

    def show(self, file: object = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


def _read(reference: str) -> Snapshot:
    """A command-line reference as a snapshot: ``-`` is standard input, else a file."""
    from policydiff.models import Snapshot
    from policydiff.sources import read_file

    if reference == "-":
        return Snapshot(content=sys.stdin.buffer.read(), source="stdin", name="<stdin>")
    return read_file(reference)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policydiff")
def main() -> None:
    """What changed in a privacy policy, clause by clause, and what the change means.

    Exit codes: 0 no substantive change, 1 substantive change(s) found,
    2 usage error, 3 operational error (unreadable or invalid input).
    """


@main.command(short_help="Compare two versions of a policy, clause by clause.")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output for people (text) or programs (json).",
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
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text output (auto: when stdout is a terminal).",
)
def compare(
    old: str, new: str, fmt: str, selector: str | None, include_unchanged: bool, color: str
) -> None:
    """Compare two versions of a policy: OLD and NEW are files (HTML, Markdown or
    plain text, told apart by extension or content); - reads standard input.

    Substantive changes are shown word by word; cosmetic ones (case, punctuation,
    numbering, link targets, date lines, renames) are listed in one line each.
    """
    from policydiff.api import compare as run_compare
    from policydiff.errors import PolicydiffError

    try:
        result = run_compare(_read(old), _read(new), selector=selector)
    except PolicydiffError as err:
        raise _Failure(str(err)) from err
    if fmt == "json":
        click.echo(
            json.dumps(
                result.to_dict(include_unchanged=include_unchanged), ensure_ascii=False, indent=2
            )
        )
    else:
        from policydiff.report.text import render_text

        use_color = color == "always" or (color == "auto" and sys.stdout.isatty())
        click.echo(
            render_text(result, color=use_color, include_unchanged=include_unchanged),
            nl=False,
            color=use_color,
        )
    sys.exit(EXIT_CHANGED if result.summary.substantive else EXIT_SAME)
