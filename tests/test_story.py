"""Reports tell the story first: what matters, in plain words, most important first."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from conftest import DATA, HEADLINE_NEW, HEADLINE_OLD

import policydiff
from policydiff.models import Comparison
from policydiff.report import render
from policydiff.report.story import importance, story, weights

ZOOM = (DATA / "zoom_terms_2023-08-07.md", DATA / "zoom_terms_2023-08-11.md")
WHATSAPP = (DATA / "whatsapp_privacy_2018-04-24.md", DATA / "whatsapp_privacy_2021-01-04.md")


@pytest.fixture(scope="module")
def zoom() -> Comparison:
    return policydiff.compare(*ZOOM)


@pytest.fixture(scope="module")
def whatsapp() -> Comparison:
    return policydiff.compare(*WHATSAPP)


@pytest.fixture(scope="module")
def headline() -> Comparison:
    return policydiff.compare(HEADLINE_OLD, HEADLINE_NEW)


def test_the_zoom_report_leads_with_the_ai_training_change(zoom: Comparison) -> None:
    told = story(zoom)
    first = told.matters[0]
    assert first.change.category == "ai"
    assert first.where.startswith("10.")
    assert re.search(r"(AI training|to train AI) narrowed", first.sentence), first.sentence
    for item in told.matters:
        assert "(top of document)" not in item.line and "Policy" not in item.where
        assert re.match(r"10\.\d ", item.where), item.line


def test_the_whatsapp_report_picks_at_most_five_and_names_the_facebook_companies(
    whatsapp: Comparison,
) -> None:
    told = story(whatsapp)
    assert whatsapp.summary.substantive > 100
    assert 1 <= len(told.matters) <= 5
    assert any("Facebook" in item.line for item in told.matters)
    assert any(item.change.category == "sharing" for item in told.matters)


def test_what_matters_is_ordered_by_importance_and_each_weight_comes_from_the_rules(
    whatsapp: Comparison,
) -> None:
    told = story(whatsapp)
    ranks = [item.importance for item in told.matters]
    assert ranks == sorted(ranks, reverse=True)
    assert min(ranks) >= max(i.importance for i in told.others)
    w = weights()
    cheap = type(w)(**{**{n: getattr(w, n) for n in w.__slots__}, "categories": {}})  # type: ignore[attr-defined]
    change = told.matters[0].change
    # No category weight: the unknown weight applies instead, so the figure moves.
    assert importance(change, cheap) != importance(change, w)


def test_a_cosmetic_change_has_no_importance(zoom: Comparison) -> None:
    quiet = story(zoom).quiet
    assert quiet and all(importance(item.change) == 0 for item in quiet)


def test_the_headline_text_starts_with_its_8_3_sentence(headline: Comparison) -> None:
    lines = render(headline, "text").splitlines()
    assert lines[0] == "What matters in Telegram Privacy Policy, 2024-07-15 → 2024-09-23"
    assert lines[1].startswith("  1. 8.3 Law Enforcement Authorities: disclosure of IP address")
    assert lines[-1].endswith("sha256 f1f141702af4")  # provenance comes last


def test_bold_numbered_paragraphs_become_sections(zoom: Comparison) -> None:
    sections = {s.number: s.heading for s in zoom.new_document.sections if s.number}
    assert sections["10.2"] == "10.2 Permitted Uses and Customer License Grant"
    # The archive numbered its one-item lists 27, 34, ...: the sections under say 10.
    assert sections["10"] == "10. DATA USAGE, LICENSES AND RESPONSIBILITIES"
    # A heading with no numbered sections under it follows the one before it.
    assert sections["34"] == "34. DEFINITIONS"
    renumbered = [i.where for i in story(zoom).quiet if i.change.reason == "renumbered"]
    assert renumbered == ["10.3 Our Obligations Over Your Customer Content"]  # was 10.5
    clause = next(c for c in zoom.new_document.clauses if c.text.startswith("Zoom will only"))
    assert clause.section_path[-1] == "10.2 Permitted Uses and Customer License Grant"


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def _rendered(comparison: Comparison, fmt: str) -> str:
    if fmt == "mail":
        from policydiff.report.mail import render_mail_html, subject

        return subject(comparison, "policy") + "\n" + render_mail_html(comparison)
    return render(comparison, fmt)


@pytest.mark.parametrize("fmt", ["text", "html", "markdown", "mail"])
@pytest.mark.parametrize("pair", ["headline", "zoom", "whatsapp"])
def test_no_snake_case_label_reaches_people(
    fmt: str, pair: str, request: pytest.FixtureRequest
) -> None:
    comparison: Comparison = request.getfixturevalue(pair)
    out = _rendered(comparison, fmt)
    shown = _visible(out) if fmt in ("html", "mail") else out.replace("\\_", "_")
    policy = comparison.old_document.clauses + comparison.new_document.clauses
    words = " ".join(c.text for c in policy)
    labels = [w for w in _SNAKE.findall(shown) if w not in words]
    assert labels == []
    assert "(top of document)" not in shown


def test_json_keeps_its_labels(headline: Comparison) -> None:
    assert '"label": "condition_broadened"' in render(headline, "json")


def test_the_mail_names_the_top_finding_and_is_mail_safe(zoom: Comparison) -> None:
    from policydiff.report.mail import render_mail_html, subject

    title = subject(zoom, "zoom-terms")
    assert title.startswith("zoom-terms: 10.2 Permitted Uses and Customer License Grant: ")
    assert "AI" in title
    assert title.endswith("more)") and len(title) < 160
    html = render_mail_html(zoom, report="https://example.org/zoom.html")
    for unsafe in ("<script", "<style", "<button", "<link", "class="):
        assert unsafe not in html
    assert '<a href="https://example.org/zoom.html"' in html
    assert html.index("What matters") < html.index("<del") < html.index("Before:")
    assert "(top of document)" not in html
