"""Segmenter: sections with the policy's numbering, clauses, sentences, roles."""

from __future__ import annotations

import pytest
from conftest import HEADLINE_OLD, PRIVACY

from policydiff.languages import detect, language
from policydiff.models import ClauseKind, ClauseRole
from policydiff.normalize import parse
from policydiff.normalize.numbering import split_number
from policydiff.segment import segment
from policydiff.sentences import split_sentences


def document(path):  # type: ignore[no-untyped-def]
    parsed, _ = parse(path.read_bytes())
    return segment(parsed)


def test_sections_keep_the_policys_numbering() -> None:
    doc = document(HEADLINE_OLD)
    section = next(s for s in doc.sections if s.number == "8.3")
    assert section.heading == "8.3. Law Enforcement Authorities"
    assert section.level == 4
    clause = section.clauses[1]
    assert clause.section_path == (
        "8. Who Your Personal Data May Be Shared With",
        "8.3. Law Enforcement Authorities",
    )
    assert clause.section == "8.3. Law Enforcement Authorities"
    assert clause.sentences[0].startswith("If Telegram receives a court order")
    assert len(clause.sentences) == 3


def test_clause_ids_are_stable_and_depend_on_section_and_text() -> None:
    first, second = document(HEADLINE_OLD), document(HEADLINE_OLD)
    assert [c.id for c in first.clauses] == [c.id for c in second.clauses]
    ids = [c.id for c in first.clauses]
    assert len(set(ids)) == len(ids)


def test_list_items_carry_the_last_sentence_of_their_lead_in() -> None:
    doc = document(HEADLINE_OLD)
    item = next(c for c in doc.clauses if c.text == "We don't use your data to show you ads.")
    assert item.kind is ClauseKind.ITEM
    assert item.lead_in == (
        "Telegram has two fundamental principles when it comes to collecting and processing "
        "private data:"
    )


def test_changelog_and_date_lines_are_recognised() -> None:
    doc = document(PRIVACY / "20241228181452.md")
    roles = {c.text: c.role for c in doc.clauses}
    assert roles["September 23, 2024"] is ClauseRole.DATE_LINE
    assert roles["Updated 8.3, see this post for more details."] is ClauseRole.CHANGELOG
    assert roles["Added 3.5. Location Data."] is ClauseRole.CHANGELOG
    # The sentence after the changelog is a practice (how users are told of changes).
    notice = "Important changes made to this Privacy Policy will be notified to you via Telegram."
    assert roles[notice] is ClauseRole.PRACTICE
    assert sum(r is ClauseRole.PRACTICE for r in roles.values()) > 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We share it with Telegram Inc. and Telegraph Inc. in the U.S. only.", 1),
        ("See Sec. 3.1 for details. It applies e.g. to bots.", 2),
        ("Rights include (a) access and (b) deletion, i.e. the usual ones. We honour them.", 2),
        ("Do we sell data? No. We never do!", 3),
        ('He said "stop." Then we stopped.', 2),
    ],
)
def test_sentences_are_legal_text_aware(text: str, expected: int) -> None:
    assert len(split_sentences(text, language("en"))) == expected


def test_german_abbreviations_come_from_the_german_file() -> None:
    sentences = split_sentences(
        "Wir speichern z.B. deine IP-Adresse. Das ist alles.", language("de")
    )
    assert sentences == ("Wir speichern z.B. deine IP-Adresse.", "Das ist alles.")


@pytest.mark.parametrize(
    ("text", "number", "rest"),
    [
        ("8.3. Law Enforcement Authorities", "8.3", "Law Enforcement Authorities"),
        ("1.1 Privacy Principles", "1.1", "Privacy Principles"),
        ("Section 4. Sharing", "4", "Sharing"),
        ("(b) to comply with the law", "(b)", "to comply with the law"),
        ("iv) delete your data", "iv)", "delete your data"),
        ("IV. Your Rights", "IV", "Your Rights"),
        ("Privacy Principles", None, "Privacy Principles"),
        ("2024", None, "2024"),
    ],
)
def test_numbering(text: str, number: str | None, rest: str) -> None:
    assert split_number(text) == (number, rest)


def test_language_is_detected_from_the_lexicon_files() -> None:
    assert detect((PRIVACY / "20240715181441.md").read_text("utf-8")) == "en"
    german = (PRIVACY.parent / "privacy~lang=de" / "20240506123700.html").read_text("utf-8")
    assert detect(german) == "de"
    assert (
        detect("Nous collectons vos données pour fournir le service et nous ne les vendons pas.")
        == "fr"
    )
