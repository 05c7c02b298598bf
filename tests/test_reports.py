"""The HTML, Markdown and timeline reports, opened in a real headless Chromium."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from browser import open_page, screenshot
from click.testing import CliRunner
from conftest import HEADLINE_NEW, HEADLINE_OLD, PRIVACY
from markdown_it import MarkdownIt

import policydiff
from policydiff.cli import main
from policydiff.models import Snapshot
from policydiff.report.html import render_html
from policydiff.report.markdown import render_markdown


@pytest.fixture(scope="module")
def headline_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = CliRunner().invoke(
        main, ["compare", "--format", "html", str(HEADLINE_OLD), str(HEADLINE_NEW)]
    )
    assert result.exit_code == 1
    path = tmp_path_factory.mktemp("html") / "headline.html"
    path.write_text(result.stdout, "utf-8")
    return path


def test_html_report_shows_the_redline_and_makes_no_request(headline_html: Path) -> None:
    with open_page(headline_html) as (page, visit):
        deleted = page.locator("article.substantive .redline del")  # type: ignore[attr-defined]
        inserted = page.locator("article.substantive .redline ins")  # type: ignore[attr-defined]
        assert "terror suspect" in deleted.all_inner_texts()
        assert any(
            t.startswith("suspect in a case involving criminal activities")
            for t in inserted.all_inner_texts()
        )
        assert deleted.first.is_visible()
        assert (
            page.locator("del", has_text="terror suspect").first.evaluate(  # type: ignore[attr-defined]
                "e => getComputedStyle(e).textDecorationLine"
            )
            == "line-through"
        )
        matters = page.locator(".summary .headlines li").first  # type: ignore[attr-defined]
        assert matters.inner_text().startswith(
            "8.3 Law Enforcement Authorities: disclosure of IP address and phone number to "
            "authorities widened"
        )
        assert matters.is_visible()
        screenshot(page, "compare-headline.png")
        # Side by side
        assert not page.locator(".sbs").first.is_visible()  # type: ignore[attr-defined]
        page.click("#toggle-sbs")  # type: ignore[attr-defined]
        assert page.locator(".sbs").first.is_visible()  # type: ignore[attr-defined]
        assert not page.locator(".redline").first.is_visible()  # type: ignore[attr-defined]
        assert page.locator("#toggle-sbs").get_attribute("aria-pressed") == "true"  # type: ignore[attr-defined]
        screenshot(page, "compare-headline-side-by-side.png")
        # Unchanged clauses in context
        unchanged = page.locator("p.unchanged").first  # type: ignore[attr-defined]
        assert not unchanged.is_visible()
        page.click("#toggle-context")  # type: ignore[attr-defined]
        assert unchanged.is_visible()
        # The summary links to its clause
        page.click(".headlines a")  # type: ignore[attr-defined]
        target = page.evaluate("location.hash")  # type: ignore[attr-defined]
        assert "terror suspect" in page.locator(target).inner_text()  # type: ignore[attr-defined]
    assert visit.console == []
    assert visit.requests == [headline_html.resolve().as_uri()]


def test_html_report_reads_on_a_phone(headline_html: Path) -> None:
    with open_page(headline_html, width=390) as (page, visit):
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")  # type: ignore[attr-defined]
        assert overflow <= 0
        screenshot(page, "compare-headline-phone.png")
    assert visit.console == []


HOSTILE = (
    "<html><body><h2>1. Data</h2>"
    "<p>We share &lt;script&gt;alert(1)&lt;/script&gt; data and &lt;img src=x onerror=alert(1)&gt; "
    'with <a href="javascript:alert(1)">partners</a>.</p>'
    "<p>We keep your data for 6 months.</p></body></html>"
)


def test_hostile_policy_text_runs_no_script(tmp_path: Path) -> None:
    old = Snapshot(HOSTILE.encode(), url="javascript:alert(1)", media_type="text/html", name="old")
    new = Snapshot(
        HOSTILE.replace("6 months", "18 months").replace("We share", "We may share").encode(),
        url='https://example.com/privacy" onmouseover="alert(1)',
        media_type="text/html",
        name="<img src=x onerror=alert(1)>",
    )
    path = tmp_path / "hostile.html"
    path.write_text(render_html(policydiff.compare(old, new)), "utf-8")
    source = path.read_text("utf-8")
    assert "<script>alert" not in source and "<img src=x" not in source
    assert 'href="javascript:' not in source
    with open_page(path) as (page, visit):
        page.click("#toggle-context")  # type: ignore[attr-defined]
        text = page.inner_text("body")  # type: ignore[attr-defined]
        assert "<script>alert(1)</script>" in text
        assert "<img src=x onerror=alert(1)>" in text
        assert page.locator("img").count() == 0  # type: ignore[attr-defined]
        screenshot(page, "compare-hostile.png")
    assert visit.dialogs == []
    assert visit.console == []


def test_markdown_renders_as_commonmark() -> None:
    result = policydiff.compare(HEADLINE_OLD, HEADLINE_NEW)
    markdown = render_markdown(result)
    assert "~~court~~**valid**" in markdown
    html = MarkdownIt("commonmark").enable("strikethrough").render(markdown)
    assert "<s>court</s><strong>valid</strong>" in html
    assert "<s>terror suspect</s>" in html
    assert (
        "<strong>suspect in a case involving criminal activities that violate the Telegram Terms of Service</strong>"
        in html
    )
    assert "<h4>8.3 Law Enforcement Authorities — modified</h4>" in html
    assert "<li><strong>widened</strong>: trigger broadened from terrorism" in html
    assert '<a href="https://telegram.org/privacy">' in html


def test_markdown_escapes_policy_text() -> None:
    old = Snapshot(HOSTILE.encode(), media_type="text/html", name="old")
    new = Snapshot(
        HOSTILE.replace("6 months", "18 months").encode(), media_type="text/html", name="new"
    )
    html = (
        MarkdownIt("commonmark")
        .enable("strikethrough")
        .render(render_markdown(policydiff.compare(old, new)))
    )
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "18 months" in html


@pytest.fixture(scope="module")
def telegram_timeline() -> dict[str, str]:
    outputs = {}
    for fmt in ("text", "json", "html"):
        result = CliRunner().invoke(main, ["timeline", str(PRIVACY), "--format", fmt])
        assert result.exit_code == 0, result.output
        outputs[fmt] = result.stdout
    return outputs


def test_timeline_text_lists_the_known_changes(telegram_timeline: dict[str, str]) -> None:
    text = telegram_timeline["text"]
    assert text.startswith("Timeline of ")
    assert "41 captures, 35 distinct versions, 2020-07-29 → 2026-08-22" in text
    rows = {line[:10]: line for line in text.splitlines() if line[:4].isdigit()}
    assert rows["2024-09-23"].split()[-1] == "widened"
    assert rows["2024-10-02"].split()[-1] == "widened"
    assert rows["2025-07-24"].split()[-1] == "widened"
    assert (
        "2024-09-23  modified: disclosure to authorities widened: trigger broadened from terrorism"
        in text
    )
    assert (
        "2024-10-02  modified: retention widened: kept longer: at least 6 months → at least 18 months"
        in text
        or "2024-10-02  modified: retention widened: kept longer: 6 months → 18 months" in text
    )
    assert "\n  3.5. Location Data\n" in text and "2021-03-25  appeared" in text
    assert "\n  3.7. Age Estimation\n" in text and "2025-07-24  appeared" in text


def test_timeline_json_follows_its_schema(telegram_timeline: dict[str, str]) -> None:
    data = json.loads(telegram_timeline["json"])
    schema = json.loads(
        resources.files("policydiff").joinpath("schemas/timeline-1.json").read_text()
    )
    jsonschema.validate(data, schema)
    step = next(s for s in data["steps"] if s["new"].startswith("2024-09-23"))
    assert step["verdict"] == "widened"
    assert step["changes"][0]["labels"] == [
        "condition_broadened",
        "safeguard_added",
        "notice_changed",
    ]
    folded = next(v for v in data["versions"] if v["same_as"])
    assert folded["same_as"][0]["name"].endswith(".html") or folded["same_as"]


def test_timeline_html_renders_and_a_mark_opens_its_redline(
    telegram_timeline: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "timeline.html"
    path.write_text(telegram_timeline["html"], "utf-8")
    with open_page(path) as (page, visit):
        marks = page.locator("svg.chart circle")  # type: ignore[attr-defined]
        assert marks.count() == 35
        screenshot(page, "timeline-telegram.png")
        page.locator('svg.chart a[aria-label^="2024-09-23"]').click()  # type: ignore[attr-defined]
        target = page.evaluate("location.hash")  # type: ignore[attr-defined]
        section = page.locator(target)  # type: ignore[attr-defined]
        assert "terror suspect" in section.inner_text()
        assert section.is_visible()
    assert visit.console == []
    assert visit.requests == [path.resolve().as_uri()]


def test_a_clause_that_comes_back_keeps_its_history() -> None:
    import dataclasses
    from datetime import UTC, datetime

    from policydiff.sources import read_file
    from policydiff.timeline import build_timeline

    first = read_file(PRIVACY / "20250724181903.md")
    gone = read_file(PRIVACY / "20251210125100.md")
    back = dataclasses.replace(first, captured_at=datetime(2026, 1, 1, tzinfo=UTC), sha256="")
    timeline = build_timeline([first, gone, back], name="flip")
    scan = [h for h in timeline.histories if "brief facial scan" in h.text]
    assert len(scan) == 1
    assert [e.kind for e in scan[0].events] == ["present", "disappeared", "appeared"]
    # The way back is a different comparison (B → A), shown in full; A → B → A folds nothing.
    assert len(timeline.versions) == 3 and len(timeline.steps) == 2


def test_timeline_reads_on_a_phone_with_a_legend_and_reverts_folded(
    telegram_timeline: dict[str, str], tmp_path: Path
) -> None:
    text = telegram_timeline["text"]
    assert "2024-05-09  back to the text of 2024-05-06" in text
    from policydiff.languages import rules

    labels = set(rules()["importance"]["findings"]) - {"reworded"} | {"policy_change", "date_line"}
    for output in (text, telegram_timeline["html"]):
        assert not [label for label in labels if label in output]
    assert "Widened: less protective for you" in text
    data = json.loads(telegram_timeline["json"])
    reverts = [s for s in data["steps"] if s["back_to"]]
    assert reverts and reverts[0]["back_to"].startswith("2024-05-06")
    path = tmp_path / "timeline.html"
    path.write_text(telegram_timeline["html"], "utf-8")
    for width in (390, 1280):
        with open_page(path, width=width) as (page, visit):
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")  # type: ignore[attr-defined]
            assert overflow <= 0, width
            assert page.locator(".legend").first.is_visible()  # type: ignore[attr-defined]
            revert = page.locator("tr.revert").first  # type: ignore[attr-defined]
            assert "back to the text of 2024-05-06" in revert.inner_text()
            # The verdict sits next to the date, on screen, on a phone too.
            verdict = page.locator("table.steps .v.widened").first  # type: ignore[attr-defined]
            box = verdict.bounding_box()
            assert box is not None and box["x"] + box["width"] <= width
            screenshot(page, f"timeline-telegram-{width}.png")
        assert visit.console == []


@pytest.mark.parametrize("width", [390, 1280])
def test_the_zoom_report_shows_the_ai_training_change_on_the_first_screen(
    tmp_path: Path, width: int
) -> None:
    from conftest import DATA

    result = CliRunner().invoke(
        main,
        [
            "compare",
            "--format",
            "html",
            str(DATA / "zoom_terms_2023-08-07.md"),
            str(DATA / "zoom_terms_2023-08-11.md"),
        ],
    )
    assert result.exit_code == 1
    path = tmp_path / "zoom.html"
    path.write_text(result.stdout, "utf-8")
    with open_page(path, width=width) as (page, visit):
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")  # type: ignore[attr-defined]
        assert overflow <= 0
        first = page.locator(".summary .headlines li").first  # type: ignore[attr-defined]
        assert first.inner_text().startswith("10.2 Permitted Uses and Customer License Grant:")
        assert "AI" in first.inner_text() and "narrowed" in first.inner_text()
        box = first.bounding_box()
        viewport = page.viewport_size  # type: ignore[attr-defined]
        assert box is not None and box["y"] + box["height"] <= viewport["height"]
        body = page.inner_text("body")  # type: ignore[attr-defined]
        assert "(top of document)" not in body and "What changed in Policy" not in body
        # Provenance comes last, the hashes shortened (whole on hover).
        hashes = page.locator("code.hash")  # type: ignore[attr-defined]
        assert len(hashes.first.inner_text()) == 13
        assert len(hashes.first.get_attribute("title")) == 64
        assert body.lower().index("what matters") < body.lower().index("sources")
        screenshot(page, f"compare-zoom-{width}.png")
    assert visit.console == []


def test_a_shortened_hash_copies_whole(headline_html: Path) -> None:
    with open_page(headline_html) as (page, visit):
        copied = page.evaluate(  # type: ignore[attr-defined]
            """() => {
              const code = document.querySelector("code.hash");
              const range = document.createRange();
              range.selectNodeContents(code);
              window.getSelection().removeAllRanges();
              window.getSelection().addRange(range);
              const event = new ClipboardEvent("copy", {clipboardData: new DataTransfer(),
                                                        bubbles: true, cancelable: true});
              code.dispatchEvent(event);
              return [code.textContent, event.clipboardData.getData("text/plain")];
            }"""
        )
    shown, whole = copied
    assert len(shown) == 13 and shown.endswith("…")
    assert len(whole) == 64 and whole.startswith(shown[:12])
    assert visit.console == []


def test_the_verdict_chips_are_legible(headline_html: Path) -> None:
    with open_page(headline_html) as (page, visit):
        chip = page.locator(".chip.widened").first  # type: ignore[attr-defined]
        colours = chip.evaluate(
            "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]"
        )
        assert colours[0] != colours[1]
        assert chip.inner_text().lower() == "1 widened"
    assert visit.console == []
