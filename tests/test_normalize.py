"""Normalizer: real pages in, the policy's blocks out; bad input gives a clear error."""

from __future__ import annotations

import gc
import gzip
import time

import pytest
from bs4.element import Tag
from conftest import HEADLINE_OLD, HTML_DE_OLD, HTML_EN, MD_EN

from policydiff.errors import (
    BinaryInput,
    EmptyInput,
    InputError,
    InputTooLarge,
    NestingTooDeep,
    PolicydiffError,
    SelectorNotFound,
    UndecodableInput,
)
from policydiff.models import ClauseKind
from policydiff.normalize import canon, parse, sniff_format
from policydiff.normalize.html import unwayback_url
from policydiff.normalize.markdown import inline_text


def texts(data: bytes | str, **kw: object) -> list[str]:
    parsed, _ = parse(data, **kw)  # type: ignore[arg-type]
    return [b.text for b in parsed.blocks]


def test_telegram_html_and_its_markdown_give_the_same_blocks() -> None:
    html, kind_html = parse(HTML_EN.read_bytes(), base_url="https://telegram.org/privacy")
    md, kind_md = parse(MD_EN.read_bytes())
    assert (kind_html, kind_md) == ("html", "markdown")
    assert html.title == md.title == "Telegram Privacy Policy"
    assert len(html.blocks) == len(md.blocks) == 150
    assert [b.text for b in html.blocks] == [b.text for b in md.blocks]
    assert [b.number for b in html.blocks] == [b.number for b in md.blocks]
    assert [b.lead_in for b in html.blocks] == [b.lead_in for b in md.blocks]


def test_main_content_is_found_without_a_selector() -> None:
    blocks = texts(HTML_EN.read_bytes())
    # The language menu, the navigation bar and the footer of telegram.org are gone.
    assert "Bahasa Indonesia" not in blocks
    assert not any(t in ("Home", "FAQ", "Apps") for t in blocks)
    assert blocks[0] == "1. Introduction"


def test_selector_picks_the_element_and_a_missing_one_is_an_error() -> None:
    page = HTML_EN.read_bytes()
    blocks = texts(page, selector="#dev_page_content")
    assert blocks == texts(page)
    with pytest.raises(SelectorNotFound, match="#no-such-element"):
        parse(page, selector="#no-such-element")
    with pytest.raises(InputError, match="invalid CSS selector"):
        parse(page, selector="div[[")


def _wrap_in_archive_chrome(page: str) -> str:
    toolbar = (
        '<!-- BEGIN WAYBACK TOOLBAR INSERT --><div id="wm-ipp-base"><p>The Wayback Machine - '
        "https://web.archive.org/web/20240923152623/https://telegram.org/privacy</p></div>"
        "<!-- END WAYBACK TOOLBAR INSERT -->"
    )
    banner = (
        '<div class="cookie-banner"><p>We use cookies to improve your experience.</p>'
        "<button>Accept</button></div>"
    )
    hidden = '<div style="display: none"><p>Hidden tracking paragraph.</p></div><p hidden>Also hidden.</p>'
    page = page.replace(
        '<body class="preload">', f'<body class="preload">{toolbar}{banner}{hidden}'
    )
    return page.replace(
        'href="https://telegram.org/', 'href="/web/20240923152623/https://telegram.org/'
    )


def test_archive_toolbar_banners_hidden_elements_and_rewritten_links_are_removed() -> None:
    original = HTML_EN.read_text("utf-8")
    wrapped = _wrap_in_archive_chrome(original)
    assert wrapped != original
    plain, _ = parse(original, base_url="https://telegram.org/privacy")
    archived, _ = parse(wrapped, base_url="https://telegram.org/privacy")
    assert archived.blocks == plain.blocks
    joined = " ".join(b.text for b in archived.blocks)
    for gone in ("Wayback Machine", "cookies to improve", "Hidden tracking", "Also hidden"):
        assert gone not in joined


@pytest.mark.parametrize(
    ("rewritten", "original"),
    [
        ("/web/20240923152623/https://telegram.org/tos", "https://telegram.org/tos"),
        ("https://web.archive.org/web/20240923152623id_/https://t.me/x", "https://t.me/x"),
        (
            "http://127.0.0.1:8080/web/20240101000000mp_/http://a.example/p?q=1",
            "http://a.example/p?q=1",
        ),
        ("/web/20240923152623/https:/telegram.org/faq", "https://telegram.org/faq"),
        ("https://telegram.org/faq", "https://telegram.org/faq"),
        ("#8-3-law-enforcement-authorities", "#8-3-law-enforcement-authorities"),
    ],
)
def test_unwayback_url(rewritten: str, original: str) -> None:
    assert unwayback_url(rewritten) == original


def test_german_page_is_read_as_german_structure() -> None:
    parsed, kind = parse(HTML_DE_OLD.read_bytes())
    assert kind == "html"
    headings = [b for b in parsed.blocks if b.kind is ClauseKind.HEADING]
    assert any(h.number == "8.3" for h in headings)


def test_open_terms_archive_markdown() -> None:
    parsed, _ = parse(HEADLINE_OLD.read_bytes())
    heading = next(b for b in parsed.blocks if b.number == "8.3")
    # "#### [](#8-3-law-enforcement-authorities)8.3. Law Enforcement Authorities"
    assert heading.kind is ClauseKind.HEADING and heading.level == 4
    assert heading.text == "8.3. Law Enforcement Authorities"
    clause = parsed.blocks[parsed.blocks.index(heading) + 1]
    assert clause.text.endswith("published at: https://t.me/transparency.")
    assert clause.links == ("https://t.me/transparency",)
    item = next(b for b in parsed.blocks if b.text == "We don't use your data to show you ads.")
    assert item.kind is ClauseKind.ITEM
    assert item.lead_in and item.lead_in.startswith("Telegram has two fundamental principles")


@pytest.mark.parametrize(
    ("source", "text", "links"),
    [
        (
            "[](https://t.me/x)[https://t.me/x](https://t.me/x)",
            "https://t.me/x",
            ("https://t.me/x",),
        ),
        ("**(“Telegram”)**, _we_ and *you*", '("Telegram"), we and you', ()),
        (r"1\. Introduction \*not emphasis\*", "1. Introduction *not emphasis*", ()),
        (
            "[age](https://a.example/Filters\\).%22) or location",
            "age or location",
            ("https://a.example/Filters).%22",),
        ),
        (
            "see ![logo](x.png) the `code` and <br> text &amp; more",
            "see the code and text & more",
            (),
        ),
    ],
)
def test_markdown_inline(source: str, text: str, links: tuple[str, ...]) -> None:
    assert inline_text(source) == (text, links)


def test_markdown_table_rows_carry_their_header() -> None:
    md = "Intro\n\n| Data | Purpose |\n| --- | --- |\n| Email | Login codes |\n| IP | Security |\n"
    parsed, _ = parse(md, format_hint="md")
    rows = [b for b in parsed.blocks if b.kind is ClauseKind.ROW]
    assert [r.text for r in rows] == ["Data | Purpose", "Email | Login codes", "IP | Security"]
    assert rows[1].lead_in == "Data | Purpose"


def test_nested_list_items_take_their_parent_as_lead_in() -> None:
    md = "We collect:\n\n* account data:\n    * phone number\n    * username\n* usage data\n"
    parsed, _ = parse(md, format_hint="md")
    items = {b.text: b for b in parsed.blocks if b.kind is ClauseKind.ITEM}
    assert items["phone number"].lead_in == "account data:"
    assert items["phone number"].level == 2
    assert items["usage data"].lead_in == "We collect:"


def test_plain_text() -> None:
    text = (
        "8. Who Your Personal Data May Be Shared With\n\n"
        "8.3. Law Enforcement Authorities\n\n"
        "If Telegram receives a court order that confirms\nyou're a terror suspect, we may disclose\n"
        "your IP address.\n\nWe may share:\n• your phone number\n• your IP address\n"
    )
    parsed, kind = parse(text.encode())
    assert kind == "text"
    assert [(b.kind.value, b.text) for b in parsed.blocks] == [
        ("heading", "8.3. Law Enforcement Authorities"),
        (
            "paragraph",
            "If Telegram receives a court order that confirms you're a terror suspect, "
            "we may disclose your IP address.",
        ),
        ("paragraph", "We may share:"),
        ("item", "your phone number"),
        ("item", "your IP address"),
    ]
    assert parsed.title == "8. Who Your Personal Data May Be Shared With"


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", None, "html"),
        ("# Title\n\nSome text with a [link](https://x).\n\n* item\n", None, "markdown"),
        ("Privacy Policy\n\nWe collect data.\n", None, "text"),
        ("<p>x</p>", "md", "markdown"),
        ("# x", "text/html", "html"),
    ],
)
def test_format_sniffing(text: str, hint: str | None, expected: str) -> None:
    assert sniff_format(text, hint) == expected


def test_canon_folds_typography() -> None:
    assert canon("you\u2019re\u00a0a \u201cterror\u201d sus\u00adpect \u2014 \ufb01ne\u200b ") == (
        'you\'re a "terror" suspect - fine'
    )


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"", EmptyInput, "contains no policy text"),
        (b"   \n\t ", EmptyInput, "contains no policy text"),
        (b"<html><body><script>x()</script></body></html>", EmptyInput, "no policy text"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", BinaryInput, "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", BinaryInput, "PNG"),
        (gzip.compress(b"<p>policy</p>"), BinaryInput, "gzip"),
        (b"abc\x00def\x00" * 10, BinaryInput, "NUL"),
        (
            b'<meta charset="utf-8"><p>caf\xe9 \xff</p>',
            UndecodableInput,
            "not valid utf-8: undecodable byte at offset",
        ),
        (b"We collect \x81\x8d\x8f data", UndecodableInput, "not valid utf-8"),
    ],
)
def test_bad_input_is_a_clear_error(
    data: bytes, error: type[PolicydiffError], message: str
) -> None:
    with pytest.raises(error, match=message):
        parse(data)


def test_undeclared_legacy_encoding_is_read() -> None:
    parsed, _ = parse(b"<p>Nous collectons vos donn\xe9es.</p><p>Deux.</p><p>Trois.</p>")
    assert parsed.blocks[0].text == "Nous collectons vos données."


def test_fifty_megabyte_page_is_refused_quickly() -> None:
    page = b"<html><body>" + b"<p>We may share your data.</p>" * 1_800_000 + b"</body></html>"
    assert len(page) > 50_000_000
    start = time.perf_counter()
    with pytest.raises(InputTooLarge, match=r"input is 5\d\.\d MB; the limit is 16\.0 MB"):
        parse(page)
    assert time.perf_counter() - start < 1.0


def test_ten_thousand_deep_nesting_is_an_error_not_a_crash() -> None:
    page = (
        "<html><body>"
        + "<div>" * 10_000
        + "<p>We share data.</p>"
        + "</div>" * 10_000
        + "</body></html>"
    )
    with pytest.raises(NestingTooDeep, match="nested more than 512 levels"):
        parse(page)


@pytest.mark.parametrize("tag", ["span", "div", "li"])
def test_nesting_just_within_the_limit_is_read(tag: str) -> None:
    # 500 levels inside <body>, <html> and a list: within MAX_DEPTH, so it must be read,
    # not crash on Python's recursion limit (one frame a level at most).
    page = (
        "<html><body><ul><li>Our list:"
        + f"<{tag}>" * 500
        + "we share data with <a href='/x'>partners</a>."
        + f"</{tag}>" * 500
        + "</li></ul></body></html>"
    )
    assert "we share data with partners" in " ".join(texts(page))


def test_a_read_page_is_not_kept_alive() -> None:
    # What normalizing remembers for the next version (canonical texts) is plain text: no
    # string of bs4's, which would keep the whole parsed page alive with it.
    parse(b"<html><head><title>Privacy zq7x</title></head><body><p>We collect.</p></body></html>")
    gc.collect()
    titles = [o for o in gc.get_objects() if isinstance(o, Tag) and o.name == "title"]
    assert not [title for title in titles if "zq7x" in title.get_text()]


def test_double_line_breaks_end_a_paragraph() -> None:
    page = (
        "<html><body><div>We collect your phone number.<br>It is used to log in.<br><br>"
        "We never sell it.<br/> <br/>We delete it on request.</div></body></html>"
    )
    assert texts(page) == [
        "We collect your phone number. It is used to log in.",
        "We never sell it.",
        "We delete it on request.",
    ]


def test_chrome_nested_in_chrome_goes_and_the_base_still_resolves_links() -> None:
    # One walk: nothing inside a removed element is judged again, but <base> is still found.
    page = (
        '<html><head><base href="https://example.org/legal/"><title>T</title></head><body>'
        '<div hidden><nav><a href="x.html">gone link</a><script>var a;</script>'
        '<div class="cookie-banner">nested banner</div></nav></div><!-- a comment -->'
        "<main><h1>Privacy</h1>"
        '<p>Read the <a href="terms.html">terms</a> before you start using this service.</p>'
        "<p>We share your data with partners only when you ask us to do so in writing.</p>"
        "</main></body></html>"
    )
    parsed, _ = parse(page.encode("utf-8"), format_hint="html")
    text = " ".join(b.text for b in parsed.blocks)
    assert "gone link" not in text and "nested banner" not in text and "comment" not in text
    assert [b.links for b in parsed.blocks if b.links] == [
        ("https://example.org/legal/terms.html",)
    ]


def test_a_bold_numbered_lead_names_its_section_in_markdown_and_html() -> None:
    markdown = (
        "27. **CUSTOMER CONTENT**\n\n"
        "**10.4 Customer License Grant**. You agree to grant Zoom a licence.\n\n"
        "**Zoom will not train AI models on your calls without your consent.**\n"
    )
    html = (
        "<html><body><main><h2>10. CUSTOMER CONTENT</h2>"
        "<p><strong>10.4 Customer License Grant</strong>. You agree to grant Zoom a licence.</p>"
        "<p><strong>Zoom will not train AI models on your calls without your consent.</strong></p>"
        "</main></body></html>"
    )
    listed = html.replace(
        "<h2>10. CUSTOMER CONTENT</h2>", '<ol start="10"><li><b>CUSTOMER CONTENT</b></li></ol>'
    )
    for text in (markdown, html, listed):
        parsed, _ = parse(text)
        shown = [(b.kind.value, b.text, b.number) for b in parsed.blocks]
        assert shown == [
            ("heading", "10. CUSTOMER CONTENT", "10"),  # the archive's "27." yields to 10.4
            ("heading", "10.4 Customer License Grant", "10.4"),
            ("paragraph", "You agree to grant Zoom a licence.", None),
            (
                "paragraph",
                "Zoom will not train AI models on your calls without your consent.",
                None,
            ),
        ], text[:20]
