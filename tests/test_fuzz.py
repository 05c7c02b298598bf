"""Fuzzing (issue 11): random and structured hostile input to every normalizer and to
compare. Each must end in a result or a PolicydiffError, never another exception, in
bounded time; and what compare writes must hold no markup a renderer would act on.
"""

from __future__ import annotations

import functools
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import policydiff
from policydiff.errors import PolicydiffError
from policydiff.models import Snapshot
from policydiff.normalize import parse
from policydiff.normalize.decode import decode
from policydiff.normalize.html import parse_html
from policydiff.normalize.markdown import inline_parts, parse_markdown
from policydiff.normalize.plain import parse_text
from policydiff.normalize.text import canon
from policydiff.report.html import render_html
from policydiff.report.markdown import render_markdown
from policydiff.report.text import render_text

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = 10.0  # seconds for one small example: only a hang or worse-than-linear work takes that

WORDS = ["We", "share", "your", "data", "with", "partners", "e.g.", "Inc.", "Sec.", "U.S.", "8.3"]
MARKDOWN_PIECES = [
    *("**", "*", "_", "__", "***", "~~", "`", "```", "\\", "[", "]", "(", ")", "![", "]("),
    *("<", ">", "<a", "<http:x", "<br>", "</p>", "&amp;", "&#0;", "#", "## ", "- ", "1. ", "> "),
    *("|", "| --- |", "---", "===", ".", "...", "?!", " ", "  ", "\n", "\n\n", "\t", "1.1.1."),
    *("\x00", "\x01", "\x1b]0;x\x07", "\u202e", "\u2066", "\ufeff", "\u00ad", "\u200b", "é"),
    *WORDS,
]
HTML_PIECES = [
    *("<div>", "</div>", "<p>", "</p>", "<b>", "</b>", "<i>", "<span>", "<ul>", "<ol>", "<li>"),
    *("<table>", "<tr>", "<td>", "<th>", "</table>", "<h1>", "<h2>", "</h2>", "<br>", "<br/>"),
    *("<!--", "-->", "<!-- BEGIN WAYBACK TOOLBAR INSERT -->", "<script>", "</script>"),
    *("<style>", "<a href='javascript:alert(1)'>", "<a href='/web/20240101000000/x'>", "</a>"),
    *("<main>", "<article>", "<nav>", "<footer>", "<img src=x onerror=alert(1)>", "<", ">"),
    *("&lt;", "&", "\x1b", "\u202e", "\x00"),
    *WORDS,
]

markdown_text = st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=60).map("".join)
html_text = st.lists(st.sampled_from(HTML_PIECES), max_size=60).map(
    lambda parts: "<html><body>" + "".join(parts)
)
any_text = st.one_of(markdown_text, html_text, st.text(max_size=300))
encodings = st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "latin-1", "cp1252", "utf-32"])


def _bounded(fn: object, *args: object) -> object:
    start = time.monotonic()
    try:
        result = fn(*args)  # type: ignore[operator]
    except PolicydiffError:
        result = None
    assert time.monotonic() - start < SLOW
    return result


@FUZZ
@given(markdown_text)
def test_markdown_reader(text: str) -> None:
    _bounded(parse_markdown, text)
    _bounded(inline_parts, text)


@FUZZ
@given(html_text)
def test_html_reader(text: str) -> None:
    _bounded(parse_html, text)


@FUZZ
@given(any_text)
def test_plain_text_reader(text: str) -> None:
    _bounded(parse_text, text)


def _canon_by_definition(text: str) -> str:
    """``canon`` as it was written first (slower): one regular expression a step."""
    import re
    import unicodedata

    from policydiff.normalize.text import _CONTROLS, _TRANSLATE

    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    return re.sub(r"\s+", " ", _CONTROLS.sub("", text)).strip()


@FUZZ
@given(st.one_of(any_text, st.text(alphabet=st.characters(codec="utf-8"), max_size=80)))
def test_canon_is_its_definition(text: str) -> None:
    assert canon(text) == _canon_by_definition(text)


@FUZZ
@given(st.one_of(st.binary(max_size=400), st.tuples(any_text, encodings)))
def test_bytes_in_any_encoding(data: bytes | tuple[str, str]) -> None:
    if isinstance(data, tuple):
        text, encoding = data
        data = text.encode(encoding, "replace")
    _bounded(decode, data)
    for hint in (None, "md", "html", "txt"):
        _bounded(functools.partial(parse, data, format_hint=hint))


GOOD = Snapshot(
    content=b"# Privacy Policy\n\n## 1. Data\n\nWe collect your e-mail address.\n", name="good.md"
)
_BASELINE_SCRIPTS = render_html(policydiff.compare(GOOD, GOOD)).count("<script")


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(any_text, st.sampled_from(["md", "html", "txt"]))
def test_compare_and_its_reports(text: str, extension: str) -> None:
    hostile = Snapshot(content=text.encode("utf-8", "surrogatepass"), name=f"hostile.{extension}")
    comparison = _bounded(policydiff.compare, GOOD, hostile)
    if comparison is None:
        return
    markdown = render_markdown(comparison)  # type: ignore[arg-type]
    rendered = MarkdownIt("commonmark").enable("strikethrough").render(markdown)
    for bad in ("<script", "<img", "<iframe", "javascript:", "onerror", "<style"):
        assert bad not in rendered.lower()
    page = render_html(comparison)  # type: ignore[arg-type]
    assert page.count("<script") == _BASELINE_SCRIPTS
    assert "<img" not in page and "javascript:" not in page
    for output in (markdown, page, render_text(comparison)):  # type: ignore[arg-type]
        assert not any(c in output for c in ("\x00", "\x01", "\x1b", "\x07", "\u202e"))
