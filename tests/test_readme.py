"""The README stays true: its CLI reference is the real --help, its commands exist."""

from __future__ import annotations

import os
import re

from click.testing import CliRunner
from conftest import ROOT

from policydiff.cli import main

START = "<!-- cli-reference:"
LAYERS_START = "<!-- layers: generated from setup.cfg's [importlinter:contract:layers] -->"
LAYERS_END = "<!-- end layers -->"
# What each layer does, bottom first; which modules it holds comes from the contract.
LAYER_ROLES = (
    ("0 model", "frozen values, the vocabulary enums, one exception tree; standard library only"),
    ("1 core", "text in, values out: no I/O, no network, no CLI"),
    ("2 edges", "network (`archive/http` is the one door), disk, mail"),
    ("3 jobs", "many versions and many policies"),
    ("4 shell", "arguments, exit codes, progress; the library door"),
)
END = "<!-- end cli-reference -->"


def reference() -> str:
    parts = []
    for args in (
        [],
        *([c] for c in ("compare", "timeline", "history", "fetch", "explain", "watch")),
    ):
        result = CliRunner().invoke(
            main, [*args, "--help"], prog_name="policydiff", terminal_width=100
        )
        assert result.exit_code == 0
        title = " ".join(["policydiff", *args])
        parts.append(f"### `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def test_cli_reference_is_generated_from_help() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text("utf-8")
    head, rest = text.split(START, 1)
    marker_line, rest = rest.split("\n", 1)
    _, tail = rest.split(END, 1)
    wanted = f"{head}{START}{marker_line}\n{reference()}{END}{tail}"
    if os.environ.get("UPDATE_README"):
        readme.write_text(wanted, "utf-8")
    assert text == wanted, (
        "README's CLI reference is stale: run UPDATE_README=1 pytest tests/test_readme.py"
    )


def layer_table() -> str:
    from test_layers import layer_map

    rows = ["| layer | modules | what they do |", "|---|---|---|"]
    for (name, role), members in zip(LAYER_ROLES, reversed(layer_map()), strict=True):
        modules = ", ".join(f"`{m}`" for m in members)
        rows.append(f"| {name} | {modules} | {role} |")
    return "\n".join(rows) + "\n"


def test_the_readme_layer_table_is_the_enforced_map() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text("utf-8")
    head, rest = text.split(LAYERS_START, 1)
    _, tail = rest.split(LAYERS_END, 1)
    wanted = f"{head}{LAYERS_START}\n{layer_table()}{LAYERS_END}{tail}"
    if os.environ.get("UPDATE_README"):
        readme.write_text(wanted, "utf-8")
    assert text == wanted, (
        "README's layer table is stale: run UPDATE_README=1 pytest tests/test_readme.py"
    )


def test_readme_opens_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    commands = re.search(
        r"```\n(pip install -e \..*?)\n(pip install -e '\.\[test\]' && pytest)\n```", text
    )
    assert commands is not None
    for path in re.findall(r"snapshots/\S+", commands.group(1)):
        assert (ROOT / path).is_file(), path


def test_the_library_example_runs() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "what_changed.py")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "§ 8.3. Law Enforcement Authorities (modified)" in proc.stdout
    assert "removed:  terror suspect" in proc.stdout


def test_the_sample_output_in_the_readme_is_what_the_command_prints() -> None:
    """The sample after the opening commands is the first command's output, byte for byte;
    ``UPDATE_README=1 pytest tests/test_readme.py`` rewrites it from the command."""
    readme = ROOT / "README.md"
    text = readme.read_text("utf-8")
    old, new = re.search(r"policydiff compare (\S+) (\S+)\n", text).groups()  # type: ignore[union-attr]
    start = text.index("```\nWhat matters in ") + 4
    sample = text[start : text.index("```", start)]
    result = CliRunner().invoke(main, ["compare", old, new], prog_name="policydiff")
    assert result.exit_code == 1
    if os.environ.get("UPDATE_README"):
        readme.write_text(text[:start] + result.stdout + text[start + len(sample) :], "utf-8")
        sample = result.stdout
    assert result.stdout == sample
    # The story comes first: the headline pair opens with its 8.3 sentence.
    assert result.stdout.splitlines()[1].startswith(
        "  1. 8.3 Law Enforcement Authorities: disclosure of IP address and phone number to"
    )
