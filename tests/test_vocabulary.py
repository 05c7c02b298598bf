"""The DPV vocabulary: every lexicon entry names a DPV concept, the hierarchy reads both from
the lexicon's ``parent`` fields and from DPV, and a mistake in either file names file and key."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from policydiff.errors import RuleDataError
from policydiff.languages import (
    CONCEPT_FAMILIES,
    SCHEMAS,
    broader,
    check_parents,
    check_vocabulary,
    concept,
    has_practices,
    languages,
    load,
    validate,
    vocabulary,
)
from policydiff.languages import _read as read_shared


def test_a_lexicon_entry_names_its_dpv_concept_by_iri() -> None:
    assert concept("data", "location") == "https://w3id.org/dpv/pd#Location"
    assert concept("data", "phone_number") == "https://w3id.org/dpv/pd#TelephoneNumber"
    assert concept("rights", "access") == "https://w3id.org/dpv/legal/eu/gdpr#A15"
    assert concept("safeguards", "consent") == "https://w3id.org/dpv#Consent"
    assert concept("recipients", "authorities") == "https://w3id.org/dpv#Authority"


def test_families_without_a_dpv_counterpart_name_no_concept() -> None:
    assert concept("modality", "may") is None
    assert concept("conditions", "terrorism") is None
    assert concept("data", "no_such_entry") is None


def test_broader_follows_the_lexicons_parent_fields() -> None:
    assert broader("data", "phone_number") == ("contact_data", "information")
    assert broader("data", "location_precise") == ("location", "information")
    assert broader("recipients", "advertisers") == ("partners",)
    assert broader("data", "information") == ()


def test_broader_falls_back_on_the_dpv_hierarchy() -> None:
    # No parent fields: DPV puts analytics and recommendations under service provision,
    # a right of access under data-subject rights, sharing under disclosure.
    assert broader("purposes", "analytics") == ("service",)
    assert broader("purposes", "recommendations") == ("service",)
    assert broader("rights", "access") == ("exercise",)
    assert broader("actions", "share") == ("disclose",)
    # Two entries naming the same concept are siblings, not one above the other.
    assert broader("purposes", "translation") == ()


def test_the_vocabulary_of_the_field_sits_in_the_hierarchy() -> None:
    # Transfer mechanisms are transfer safeguards (parent fields), and DPV places those
    # among the organisational measures; a DPO is a representative in DPV.
    assert broader("safeguards", "standard_contractual_clauses") == (
        "transfer_safeguards",
        "security_measures",
    )
    assert broader("recipients", "subprocessors") == ("service_providers",)
    assert broader("purposes", "personalised_ads") == ("ads",)
    assert broader("rights", "withdraw_consent") == ("exercise",)
    assert broader("entities", "dpo") == ("representative",)
    assert concept("rights", "withdraw_consent") == "https://w3id.org/dpv/legal/eu/gdpr#A7-3"
    assert (
        concept("legal_bases", "legitimate_interest") == "https://w3id.org/dpv#LegitimateInterest"
    )


def test_broader_reads_the_lexicon_of_the_language_asked_for() -> None:
    # German has the same entry names and its own parent fields.
    assert broader("data", "phone_number", "de") == ("contact_data", "information")


@pytest.mark.parametrize("code", [c for c in languages() if has_practices(c)])
def test_every_entry_of_a_concept_family_names_a_concept(code: str) -> None:
    mapping = vocabulary().mapping
    raw = load(code, "practices")
    unmapped = [
        f"{family}.{name}"
        for family in CONCEPT_FAMILIES
        for name in raw.get(family, {})
        if name not in mapping.get(family, {})
    ]
    assert unmapped == []


def test_every_broader_concept_of_the_derived_file_is_in_it() -> None:
    concepts = vocabulary().concepts
    assert {p for _, _, parents in concepts.values() for p in parents} <= set(concepts)
    assert concepts["pd:TelephoneNumber"][2] == ("pd:Contact",)
    assert "pd:Contact" in concepts  # ancestors come along with the concepts named


def test_the_derived_file_carries_the_w3c_notice() -> None:
    from importlib import resources

    root = resources.files("policydiff.languages")
    head = root.joinpath("dpv.toml").read_text("utf-8")[:1000]
    assert "W3C Data Privacy Vocabulary (DPV)" in head
    assert "Copyright © 2026 World Wide Web Consortium" in head
    notice = root.joinpath("DPV-NOTICE.md").read_text("utf-8")
    assert "W3C Software and Document license" in notice
    assert "https://w3id.org/dpv" in notice


def _practices() -> dict[str, Any]:
    return copy.deepcopy(dict(load("en", "practices")))


def test_an_unknown_parent_names_file_and_key() -> None:
    raw = _practices()
    raw["data"]["phone_number"]["parent"] = "contact_info"
    with pytest.raises(RuleDataError) as caught:
        check_parents(raw, "policydiff/languages/xx/practices.toml")
    assert caught.value.file == "policydiff/languages/xx/practices.toml"
    assert caught.value.key == "data.phone_number.parent"
    assert "contact_info" in caught.value.problem


def test_a_parent_from_another_family_is_unknown() -> None:
    raw = _practices()
    raw["purposes"]["analytics"]["parent"] = "information"  # a data entry, not a purpose
    with pytest.raises(RuleDataError, match=r"purposes\.analytics\.parent: no entry"):
        check_parents(raw, "practices.toml")


def test_an_entry_cannot_be_its_own_ancestor() -> None:
    raw = _practices()
    raw["data"]["information"]["parent"] = "phone_number"
    with pytest.raises(RuleDataError, match="its own ancestor"):
        check_parents(raw, "practices.toml")


def test_an_unknown_concept_names_file_and_key() -> None:
    dpv = read_shared("dpv.toml", "dpv")
    mapping = copy.deepcopy(read_shared("concepts.toml", "concepts"))
    mapping["data"]["phone_number"] = "pd:PhoneNumber"  # DPV says TelephoneNumber
    with pytest.raises(RuleDataError) as caught:
        check_vocabulary(dpv, mapping)
    assert caught.value.file == "policydiff/languages/concepts.toml"
    assert caught.value.key == "data.phone_number"
    assert "pd:PhoneNumber" in caught.value.problem


def test_a_concept_file_has_only_known_families() -> None:
    with pytest.raises(RuleDataError, match=r"concepts\.toml: moods: unknown key"):
        validate({"moods": {"happy": "dpv:Consent"}}, SCHEMAS["concepts"], "concepts.toml")
