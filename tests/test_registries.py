"""Extension points are registries: a report format or a notification target is one module
and one line, and everything that lists them reads the registry."""

from __future__ import annotations

import importlib

import pytest
from click.testing import CliRunner
from conftest import HEADLINE_NEW, HEADLINE_OLD

from policydiff.cli import main
from policydiff.errors import WatchFileError
from policydiff.notify import TARGETS
from policydiff.report import FORMATS, Options, render
from policydiff.watchfile import parse_watchfile


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders_the_headline(fmt: str, headline) -> None:  # type: ignore[no-untyped-def]
    text = render(headline, fmt, Options())
    assert "Law Enforcement Authorities" in text and "terror" in text


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_command_line_offers_every_format_and_prints_what_render_gives(
    fmt: str,
    headline,  # type: ignore[no-untyped-def]
) -> None:
    result = CliRunner().invoke(
        main, ["compare", str(HEADLINE_OLD), str(HEADLINE_NEW), "--format", fmt, "--color", "never"]
    )
    assert result.exit_code == 1
    # The CLI names the files as given; compare the rendering of the same comparison.
    from policydiff import compare
    from policydiff.sources import read_file

    same = compare(read_file(str(HEADLINE_OLD)), read_file(str(HEADLINE_NEW)))
    assert result.stdout == render(same, fmt, Options())


def test_an_unknown_format_is_a_usage_error_listing_the_registry() -> None:
    result = CliRunner().invoke(main, ["compare", "a", "b", "--format", "pdf"])
    assert result.exit_code == 2
    for name in FORMATS:
        assert repr(name) in result.output


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_target_module_has_keys_a_parser_and_a_sender(name: str) -> None:
    module = importlib.import_module(TARGETS[name])
    assert isinstance(module.KEYS, frozenset) and module.KEYS
    assert callable(module.parse) and callable(module.send)


def test_an_unknown_target_names_the_registered_ones() -> None:
    text = '[[policy]]\nname = "a"\nurl = "https://x.test"\nnotify = ["slack"]\n'
    with pytest.raises(WatchFileError) as caught:
        parse_watchfile(text, "watch.toml")
    assert str(caught.value) == (
        "watch.toml:4: policy[0].notify: unknown target 'slack' (webhook or email or apprise)"
    )


def test_a_target_table_with_an_unknown_key_names_it() -> None:
    text = (
        '[notify.webhook]\nurl = "https://hooks.test/x"\nsecret = "oops"\n'
        '[[policy]]\nname = "a"\nurl = "https://x.test"\nnotify = ["webhook"]\n'
    )
    with pytest.raises(WatchFileError) as caught:
        parse_watchfile(text, "watch.toml")
    assert str(caught.value) == "watch.toml:3: notify.webhook.secret: unknown key"
