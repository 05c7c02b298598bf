"""End to end on the real Telegram captures bundled in snapshots/."""

from __future__ import annotations

from itertools import pairwise

import pytest
from conftest import (
    DATA,
    HEADLINE_NEW,
    HEADLINE_OLD,
    HTML_DE_NEW,
    HTML_DE_OLD,
    HTML_EN,
    MD_EN,
    PRIVACY,
    history,
)

import policydiff
from policydiff.diff import hunks
from policydiff.models import ChangeKind, Comparison


def test_headline_pair_is_exactly_one_substantive_change_in_8_3(headline: Comparison) -> None:
    (change,) = headline.substantive_changes
    assert change.kind is ChangeKind.MODIFIED
    assert change.section == "8.3. Law Enforcement Authorities"
    edits = hunks(change.ops)
    assert ("court", "valid") in edits
    assert (
        "terror suspect",
        "suspect in a case involving criminal activities that violate the "
        "Telegram Terms of Service",
    ) in edits
    assert ("", "will perform a legal analysis of the request and ") in edits
    assert ("semiannual", "quarterly") in edits
    assert headline.summary.modified == 1
    assert headline.summary.added == headline.summary.removed == 0
    assert headline.old.captured_at is not None and headline.old.captured_at.year == 2024
    assert headline.old.url == "https://telegram.org/privacy"


def test_german_html_pair_is_one_substantive_change_in_8_3() -> None:
    result = policydiff.compare(HTML_DE_OLD, HTML_DE_NEW)
    (change,) = result.substantive_changes
    assert change.section.startswith("8.3")
    assert "Terrorverdächtiger" in change.old_text
    assert "vierteljährlichen" in change.new_text
    # The CSS version (?237 → ?241) and the page-generation comment give nothing.
    assert result.changed() == (change,)
    assert result.old_document.language == "de"


def test_html_and_markdown_of_one_capture_have_no_substantive_change() -> None:
    result = policydiff.compare(HTML_EN, MD_EN)
    assert result.summary.substantive == 0
    assert result.summary.unchanged >= 145


@pytest.mark.parametrize("path", [*history(), HTML_EN, HTML_DE_OLD], ids=lambda p: p.name)
def test_every_version_against_itself_is_unchanged(path) -> None:  # type: ignore[no-untyped-def]
    result = policydiff.compare(path, path)
    assert result.changed() == ()
    assert result.summary.unchanged == len(result.new_document.clauses) > 50


def _consecutive() -> list[tuple[str, Comparison]]:
    return [(f"{a.stem}→{b.stem}", policydiff.compare(a, b)) for a, b in pairwise(history())]


@pytest.fixture(scope="module")
def consecutive() -> dict[str, Comparison]:
    return dict(_consecutive())


def test_all_39_consecutive_pairs_compare(consecutive: dict[str, Comparison]) -> None:
    assert len(consecutive) == 39
    for name, result in consecutive.items():
        accounted_old = [c.id for change in result.changes for c in change.old]
        accounted_new = [c.id for change in result.changes for c in change.new]
        assert sorted(accounted_old) == sorted(c.id for c in result.old_document.clauses), name
        assert sorted(accounted_new) == sorted(c.id for c in result.new_document.clauses), name


def _find(result: Comparison, kind: ChangeKind, needle: str) -> bool:
    return any(
        c.substantive and c.kind is kind and needle in (c.new_text or c.old_text)
        for c in result.changes
    )


def test_known_changes_of_the_history_appear(consecutive: dict[str, Comparison]) -> None:
    """The notable changes listed in the corpus's SOURCES.md."""
    location = consecutive["20200730033011→20210325043620"]
    assert any(
        c.kind is ChangeKind.ADDED and c.new_text == "3.5. Location Data" for c in location.changes
    )
    assert _find(location, ChangeKind.ADDED, "location")
    sponsored = consecutive["20210920065525→20211027005239"]
    assert _find(sponsored, ChangeKind.ADDED, "sponsored messages are based solely on the topic")
    months = consecutive["20240927181257→20241002181323"]
    (retention,) = months.substantive_changes
    assert ("6", "18") in hunks(retention.ops)
    age = consecutive["20250709181618→20250724181903"]
    assert any(c.new_text == "3.7. Age Estimation" for c in age.changes)
    assert _find(age, ChangeKind.ADDED, "age")
    headline = consecutive["20240715181441→20240923152623"]
    assert [c.section for c in headline.substantive_changes] == ["8.3. Law Enforcement Authorities"]


def test_compare_takes_paths_bytes_and_text() -> None:
    old_bytes, new_text = HEADLINE_OLD.read_bytes(), HEADLINE_NEW.read_text("utf-8")
    from_bytes = policydiff.compare(old_bytes, new_text)
    from_strings = policydiff.compare(str(HEADLINE_OLD), str(HEADLINE_NEW))
    assert [c.ops for c in from_bytes.substantive_changes] == [
        c.ops for c in from_strings.substantive_changes
    ]
    assert from_bytes.old.source == "bytes" and from_bytes.new.source == "text"


def test_sidecar_mismatch_is_reported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    copy = tmp_path / HEADLINE_OLD.name
    shutil.copy(HEADLINE_OLD, copy)
    shutil.copy(HEADLINE_OLD.with_name(HEADLINE_OLD.name + ".json"), tmp_path)
    copy.write_bytes(copy.read_bytes() + b"\nTampered.\n")
    with pytest.raises(policydiff.PolicydiffError, match="does not match the sha256"):
        policydiff.compare(copy, HEADLINE_NEW)


def test_to_dict_follows_the_contract(headline: Comparison) -> None:
    data = headline.to_dict()
    assert data["schema"] == "policydiff.comparison/1"
    assert data["summary"] == {
        "added": 0,
        "removed": 0,
        "modified": 1,
        "moved": 0,
        "unchanged": 182,
        "substantive": 1,
    }
    (change,) = data["changes"]
    assert change["kind"] == "modified" and change["substantive"] is True
    assert change["section"] == "8.3. Law Enforcement Authorities"
    assert change["ops"][0] == ["=", "If Telegram receives a "]
    assert ["-", "court"] in change["ops"] and ["+", "valid"] in change["ops"]
    assert change["category"] == "authorities" and change["verdict"] == "widened"
    assert [f["label"] for f in change["findings"]] == [
        "condition_broadened",
        "safeguard_added",
        "notice_changed",
    ]
    assert data["verdicts"] == {"widened": 1, "narrowed": 0, "mixed": 0, "neutral": 0}
    assert set(change["old"]) >= {"id", "number", "section", "text"}
    assert len(headline.to_dict(include_unchanged=True)["changes"]) == 183
    assert PRIVACY.name == "privacy"


def test_a_capture_cut_short_or_doubled_is_told_not_taken_for_changes() -> None:
    """Archives capture pages cut short, twice over or another page altogether: a copy of a
    clause that comes or goes is no change of the policy, and the comparison says when the
    new version ends early or shares little with the old."""
    whole = HEADLINE_NEW.read_text("utf-8")
    # A second copy of the text on the page, without the title (its first two lines).
    twice = policydiff.compare(whole.rstrip() + "\n\n" + whole.split("\n", 2)[2], whole)
    assert twice.summary.substantive == 0
    assert any(c.reason == "still in the new version" for c in twice.changes)
    assert not twice.warnings
    lines = whole.splitlines()
    cut = policydiff.compare(whole, "\n".join(lines[: len(lines) // 2]))
    assert len(cut.warnings) == 1 and "ends early" in cut.warnings[0]
    assert cut.to_dict()["warnings"] == list(cut.warnings)
    assert "Warning: the new version ends early" in cut.to_text()
    assert "Warning:" in cut.to_markdown() and 'class="warning"' in cut.to_html()
    # Another page (as when an archive's capture of a URL holds another document): Zoom's
    # terms of service in place of Telegram's privacy policy.
    elsewhere = policydiff.compare(HEADLINE_NEW, DATA / "zoom_terms_2023-08-07.md")
    assert any("share" in w for w in elsewhere.warnings)
    # The headline pair: nothing to warn of, and its JSON has no warnings key.
    headline = policydiff.compare(HEADLINE_OLD, HEADLINE_NEW)
    assert not headline.warnings and "warnings" not in headline.to_dict()


def test_a_version_dated_before_the_one_it_follows_is_told() -> None:
    """Zoom's privacy statement as archived on 2022-12-31 and 2023-01-19: the later capture
    is the older text ("Last updated: November 8 , 2022" after "December 30, 2022")."""
    body = "\n\nWe collect your name and email address to create your account.\n"
    old = policydiff.compare(
        "# Zoom Privacy Statement\n\nLast updated: December 30, 2022" + body,
        "# Zoom Privacy Statement\n\nLast updated: November 8 , 2022" + body,
    )
    assert len(old.warnings) == 1 and "dated earlier" in old.warnings[0]
    onward = policydiff.compare(
        "# Zoom Privacy Statement\n\nLast updated: November 8 , 2022" + body,
        "# Zoom Privacy Statement\n\nLast updated: December 30, 2022" + body,
    )
    assert not onward.warnings


def test_dates_are_read_in_each_language() -> None:
    from policydiff.languages import language
    from policydiff.roles import date_of

    english, french, german = (language(code) for code in ("en", "fr", "de"))
    assert date_of("Last updated: November 8 , 2022", english) == (2022, 11, 8)
    assert date_of("Updated Sept. 3rd, 2021", english) == (2021, 9, 3)
    assert date_of("Last Modified: 2022-12-30", english) == (2022, 12, 30)
    assert date_of("Dernière mise à jour : 8 novembre 2022", french) == (2022, 11, 8)
    assert date_of("Stand: 30.12.2022", german) == (2022, 12, 30)
    assert date_of("Last updated: December 2022", english) == (2022, 12, 0)
    assert date_of("Effective for 6 months", english) is None
