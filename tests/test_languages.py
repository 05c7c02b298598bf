"""Every language's data files load and fit the schema; a mistake in one names file and key."""

from __future__ import annotations

from importlib import resources

import pytest

from policydiff.errors import RuleDataError
from policydiff.languages import (
    LANGUAGE_KINDS,
    SCHEMAS,
    has_practices,
    language,
    languages,
    load,
    rules,
    validate,
)
from policydiff.semantics.lexicon import lexicon

CODES = languages()


def test_english_german_and_french_each_have_a_home() -> None:
    assert CODES[0] == "en"
    assert {"en", "de", "fr"} <= set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_each_language_file_loads_on_its_own(code: str) -> None:
    assert language(code).code == code
    if has_practices(code):
        assert lexicon(code).code == code


@pytest.mark.parametrize("code", CODES)
def test_no_language_borrows_from_another(code: str) -> None:
    # Every key of the schema is written in the language's own file: nothing falls back.
    raw = load(code, "text")
    assert set(raw) == set(SCHEMAS["text"])


def test_every_data_file_is_in_a_language_folder() -> None:
    # Only the DPV vocabulary, its mapping and the rules (directions, importance), the same
    # for every language, sit beside them.
    root = resources.files("policydiff.languages")
    shared = sorted(p.name for p in root.iterdir() if p.name.endswith(".toml"))
    assert shared == ["concepts.toml", "dpv.toml", "rules.toml"]
    for code in CODES:
        names = {p.name for p in root.joinpath(code).iterdir() if p.name.endswith(".toml")}
        assert names <= {f"{kind}.toml" for kind in LANGUAGE_KINDS}, code


def test_the_rules_file_loads_and_every_category_and_label_has_a_weight() -> None:
    from policydiff.models import Category, ChangeKind, Verdict

    table = rules()["importance"]
    assert set(table["categories"]) == {c.value for c in Category}
    assert set(table["verdicts"]) == {v.value for v in Verdict}
    assert set(table["kinds"]) >= {k.value for k in ChangeKind} - {"unchanged"}
    assert {"condition_broadened", "reworded", "practice_added"} <= set(table["findings"])


def test_a_weight_must_be_a_number() -> None:
    raw = {**rules(), "importance": {**rules()["importance"], "threshold": "high"}}
    with pytest.raises(RuleDataError) as caught:
        validate(raw, SCHEMAS["rules"], "policydiff/languages/rules.toml")
    assert str(caught.value).startswith(
        "policydiff/languages/rules.toml: importance.threshold: expected a number"
    )


def test_an_unknown_key_names_file_and_key() -> None:
    raw = dict(load("en", "practices"))
    raw["data"] = {**raw["data"], "phone_number": {"words": ["phone"], "parnet": "contact"}}
    with pytest.raises(RuleDataError) as caught:
        validate(raw, SCHEMAS["practices"], "policydiff/languages/xx/practices.toml")
    assert str(caught.value) == (
        "policydiff/languages/xx/practices.toml: data.phone_number.parnet: unknown key"
    )


@pytest.mark.parametrize(
    ("raw", "key", "problem"),
    [
        ({"name": 3}, "name", "expected str"),
        ({"stopwords": "the"}, "stopwords", "expected a list"),
        ({"spelling": [["our"]]}, "spelling[0]", "expected a list of 2 values"),
        ({"stopwords": ["the", 1]}, "stopwords[1]", "expected str"),
    ],
)
def test_a_bad_value_names_file_and_key(raw: dict[str, object], key: str, problem: str) -> None:
    data = {**load("en", "text"), **raw}
    with pytest.raises(RuleDataError) as caught:
        validate(data, SCHEMAS["text"], "text.toml")
    assert caught.value.key == key
    assert caught.value.problem.startswith(problem)


def test_a_missing_key_is_an_error_not_a_fallback() -> None:
    data = dict(load("en", "text"))
    del data["months"]
    with pytest.raises(RuleDataError, match=r"text\.toml: months: missing key"):
        validate(data, SCHEMAS["text"], "text.toml")


def test_a_rank_must_be_a_number_not_a_flag() -> None:
    entry = {"words": ["may"], "rank": True}
    with pytest.raises(RuleDataError, match=r"modality\.may\.rank: expected int"):
        validate({"may": entry}, {"*": SCHEMAS["practices"]["modality"]["*"]}, "p", "modality")


def test_the_direction_rules_load_and_name_only_contract_directions() -> None:
    from policydiff.languages import rules

    directions = rules()["directions"]
    assert directions["added"]["safeguard"] == ["safeguard_added", "narrowed"]
    assert directions["removed"]["right"] == ["right_removed", "widened"]
    broken = {**rules(), "directions": {**directions, "actions": {"share": "wider"}}}
    validate(broken, SCHEMAS["rules"], "rules.toml")  # the shape is right ...
    from policydiff.languages import _check_directions

    with pytest.raises(RuleDataError, match=r"directions\.actions\.share: bad direction"):
        _check_directions(broken, "rules.toml")  # ... the value is not


def test_the_new_direction_tables_and_entry_categories_are_checked_on_load() -> None:
    from policydiff.languages import _check_directions, check_parents, rules

    directions = rules()["directions"]
    for table, bad, key in (
        ("replaced", {"contact": "sideways"}, r"directions\.replaced\.contact"),
        ("actions_gone", {"delete": ["kept", "widened"]}, r"directions\.actions_gone\.delete"),
    ):
        broken = {**rules(), "directions": {**directions, table: bad}}
        with pytest.raises(RuleDataError, match=key):
            _check_directions(broken, "rules.toml")
    practices = dict(load("en", "practices"))
    entities = dict(practices["entities"])
    entities["dpo"] = {**entities["dpo"], "category": "contacts"}  # a typo of "contact"
    with pytest.raises(RuleDataError, match=r"entities\.dpo\.category: no category"):
        check_parents({**practices, "entities": entities}, "practices.toml")


def test_list_separators_and_purpose_lists_are_each_languages_own_words() -> None:
    """A list's members are split by the language's conjunctions, not another's; a lead-in
    opens a list of purposes by the language's own nouns."""
    english, french, german = (lexicon(code).grammar for code in ("en", "fr", "de"))
    assert english.separator.split("names and emails or numbers") == ["names", "emails", "numbers"]
    assert french.separator.split("noms et adresses ou numéros") == ["noms", "adresses", "numéros"]
    assert german.separator.split("Namen und Adressen") == ["Namen", "Adressen"]
    assert french.separator.split("names and emails") == ["names and emails"]
    assert english.edge.search("and to") and not french.edge.search("and to")
    assert english.purpose_list and english.purpose_list.search("for the following purposes:")
    assert german.purpose_list and german.purpose_list.search("zu folgenden Zwecken:")
    assert not english.purpose_list.search("zu folgenden Zwecken:")
    assert english.verb_after.match(" also share your data").group(1) == "share"  # type: ignore[union-attr]
