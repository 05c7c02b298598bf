"""French: a practice lexicon of its own, read from French text (Tchap's privacy policy, see
tests/data/fr/README.md), compared under the same entry names as English."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import policydiff
from policydiff.cli import main
from policydiff.languages import load
from policydiff.semantics import read_frame
from policydiff.semantics.lexicon import FAMILIES, lexicon

DATA = Path(__file__).parent / "data" / "fr"
OLD, NEW = DATA / "tchap_privacy_2023-03-10.md", DATA / "tchap_privacy_2023-06-08.md"


def _clause(start: str) -> str:
    """The line of the fixture that holds ``start`` (a table row or a paragraph)."""
    text = NEW.read_text("utf-8")
    return next(line for line in text.splitlines() if start in line)


def test_french_has_the_families_and_entry_names_of_english() -> None:
    en, fr = load("en", "practices"), load("fr", "practices")
    assert set(fr) == set(en)
    for family in FAMILIES:
        assert set(fr.get(family, {})) == set(en.get(family, {})), family


def test_a_french_retention_clause_reads_its_period_in_months() -> None:
    clause = _clause("Les données de profil sont conservées 36 mois")
    frame = read_frame(clause, lexicon("fr"))
    assert frame.category == "retention"
    assert not frame.negated
    assert [t.name for t in frame.get("actions")] == ["retain"]
    assert [(t.words, t.rank) for t in frame.retention_days] == [
        ("36 mois", 36 * 30),
        ("6 mois", 6 * 30),
    ]


def test_french_negation_ne_pas_wraps_the_verb() -> None:
    clause = _clause("ne sont donc pas stockés")
    frame = read_frame(clause, lexicon("fr"))
    assert frame.negated
    assert frame.modality is not None and frame.modality.name == "never"
    assert [t.words for t in frame.get("actions")] == ["stockés"]


def test_french_purposes_recipients_and_safeguards() -> None:
    lex = lexicon("fr")
    frame = read_frame(
        "Nous pouvons transmettre vos coordonnées à nos sous-traitants afin de prévenir la "
        "fraude, uniquement pour cette finalité.",
        lex,
    )
    assert frame.category == "sharing"
    assert frame.names("recipients") == {"service_providers"}
    assert frame.names("data") == {"contact_data"}
    assert frame.names("purposes") == {"fraud_prevention"}
    assert frame.names("safeguards") == {"no_other_use"}
    assert frame.modality is not None and frame.modality.name == "may"


def test_a_french_retention_change_reads_shortened() -> None:
    # Orange's privacy policy, 2022-10-26 → 2023-07-08 (history/orange/ in the project corpus).
    old = "Ces données sont conservées pendant 3 ans à compter de la réponse.\n"
    new = "Ces données sont conservées pendant 12 mois à compter de la réponse.\n"
    (change,) = policydiff.compare(old, new).substantive_changes
    assert change.category == "retention"
    assert change.verdict == "narrowed"
    assert [(f.label, f.old_words, f.new_words) for f in change.findings] == [
        ("retention_shortened", "3 ans", "12 mois")
    ]


def test_a_french_rename_of_one_data_word_is_a_paraphrase() -> None:
    # 2023-03-10 → 2023-06-08: "email" became "adresse mail" in four clauses, nothing else;
    # both are the lexicon's "email", so the practice is the same.
    result = policydiff.compare(OLD, NEW)
    changed = result.changed()
    assert len(changed) == 4
    assert all(not c.substantive and c.reason == "paraphrase" for c in changed)


def test_explain_reads_a_french_policy_with_the_french_lexicon() -> None:
    result = CliRunner().invoke(main, ["explain", str(NEW), "--section", "4"])
    assert result.exit_code == 0, result.output
    assert "§ 4. Durée de conservation" in result.stdout
    assert "actions: retain: 'conservées'" in result.stdout
    assert "retention: '36 mois' (1080 days)" in result.stdout
