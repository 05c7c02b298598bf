"""What a change means: findings per label on real clause pairs, negation, verdicts.

Clause pairs come from the bundled Telegram history (snapshots/telegram.org/privacy/, file
named in each test) or are quoted from the project's corpus of real policies (Open Terms
Archive, ODC-By 1.0, "Open Terms Archive contributors"; the file is named beside each quote).
"""

from __future__ import annotations

import pytest
from conftest import PRIVACY

import policydiff
from policydiff.models import ChangeKind, ClauseChange, Comparison


def pair(old: str, new: str) -> ClauseChange:
    """The one substantive change between two one-clause texts."""
    (change,) = policydiff.compare(old + "\n", new + "\n").substantive_changes
    return change


def labels(change: ClauseChange) -> list[tuple[str, str]]:
    return [(f.label, f.direction) for f in change.findings]


def history(old: str, new: str) -> Comparison:
    return policydiff.compare(PRIVACY / f"{old}.md", PRIVACY / f"{new}.md")


def test_headline_findings_are_exactly_those_of_the_contract(headline: Comparison) -> None:
    (change,) = headline.substantive_changes
    assert change.category == "authorities" and change.verdict == "widened"
    assert labels(change) == [
        ("condition_broadened", "widened"),
        ("safeguard_added", "narrowed"),
        ("notice_changed", "narrowed"),
    ]
    broadened = change.findings[0]
    assert broadened.old_words == "terror" and broadened.new_words == "criminal activities"
    assert "from terrorism to criminal activity" in broadened.explanation
    assert "violate the Telegram Terms of Service" in broadened.explanation  # the qualifier
    assert change.findings[1].new_words == "legal analysis"
    assert (change.findings[2].old_words, change.findings[2].new_words) == (
        "semiannual",
        "quarterly",
    )
    aspects = dict(change.unchanged)
    assert aspects["data"] == "IP address, phone number"
    assert "authorities" in aspects["recipient"]
    assert aspects["modality"] == "may disclose"


def test_the_headline_read_backwards_narrows() -> None:
    (change,) = history("20240923152623", "20240715181441").substantive_changes
    assert change.verdict == "narrowed"
    assert ("condition_narrowed", "narrowed") in labels(change)
    assert ("safeguard_removed", "widened") in labels(change)
    assert ("notice_changed", "widened") in labels(change)


def test_retention_extended_6_to_18_months() -> None:
    (change,) = history("20240927181257", "20241002181323").substantive_changes
    assert change.category == "retention" and change.verdict == "widened"
    assert labels(change) == [("retention_extended", "widened")]
    assert (
        change.findings[0].old_words == "6 months" and change.findings[0].new_words == "18 months"
    )


def test_recipient_added_microsoft_as_translation_provider() -> None:
    changes = history("20250603061443", "20250709181618").substantive_changes
    change = next(c for c in changes if "Microsoft" in c.new_text)
    assert change.verdict == "widened"
    assert ("recipient_added", "widened") in labels(change)
    assert change.category == "sharing"
    assert "Microsoft" in (change.findings[0].new_words or "")


def test_age_estimation_adds_a_practice_with_safeguards() -> None:
    changes = history("20250709181618", "20250724181903").substantive_changes
    scan = next(c for c in changes if "facial scan" in c.new_text)
    assert scan.kind is ChangeKind.ADDED and scan.verdict == "widened"
    assert ("data_added", "widened") in labels(scan)
    assert ("safeguard_added", "narrowed") in labels(scan)
    assert any(f.new_words and "entirely on your device" in f.new_words for f in scan.findings)
    store = next(c for c in changes if "store the age estimation result" in c.new_text)
    assert ("practice_added", "widened") in labels(store)
    assert ("purpose_added", "widened") in labels(store)


def test_a_promise_about_all_data_narrowed_to_chats_widens_the_practice() -> None:
    changes = history("20251210125100", "20260822005822").substantive_changes
    change = next(c for c in changes if c.new_text.startswith("We don't use the contents"))
    assert change.old_text == "We don't use your data to show you ads."
    assert labels(change) == [("data_added", "widened")]


# Quoted from ../shared/corpus/history/spotify/privacy-policy/2024-07-26T181425Z.md → 2024-08-15T181422Z.md
SPOTIFY_OLD = (
    "With respect to Spotify Service users under the age of 16, we do not disclose personal "
    "data to advertising partners for the purpose of serving them targeted advertising."
)
SPOTIFY_NEW = SPOTIFY_OLD.replace("age of 16", "age of 18")


def test_condition_narrowed_protection_extended_to_older_minors() -> None:
    change = pair(SPOTIFY_OLD, SPOTIFY_NEW)
    assert labels(change) == [("condition_narrowed", "narrowed")]
    assert change.verdict == "narrowed"


# Quoted from ../shared/corpus/history/zoom/privacy-policy/2024-03-01T064740Z.md → 2024-07-19T181937Z.md
ZOOM_OLD = (
    "Intelligent Features: If enabled by the account owner, Zoom provides intelligent features "
    "and products to its customers, such as Zoom AI Companion."
)
ZOOM_NEW = (
    "Intelligent Features: Zoom provides intelligent features and products to its customers, "
    "such as Zoom AI Companion."
)


def test_condition_broadened_when_an_opt_in_gate_is_dropped() -> None:
    change = pair(ZOOM_OLD, ZOOM_NEW)
    assert ("condition_broadened", "widened") in labels(change)
    assert change.findings[0].old_words == "If enabled"
    assert change.verdict == "widened"


# Quoted from ../shared/corpus/curated/twitter_privacy_2023-05-18.md → twitter_privacy_2023-09-29.md
TWITTER_OLD = "We use the information we collect to provide and operate X products and services."
TWITTER_NEW = (
    "We may use the information we collect and publicly available information to help train "
    "our machine learning or artificial intelligence models for the purposes outlined in "
    "this policy."
)


def test_purpose_added_ai_training() -> None:
    change = pair(TWITTER_OLD, TWITTER_NEW)
    assert ("purpose_added", "widened") in labels(change)
    assert ("data_added", "widened") in labels(change)
    assert change.verdict == "widened"


# Quoted from ../shared/corpus/history/reddit/privacy-policy/2025-09-23T074117Z.md → 2026-01-15T004652Z.md
REDDIT_OLD = (
    "For example, you may manage the use and collection of certain information by Google "
    "Analytics via the Google Analytics Opt-out Browser Add-on. You can opt out of the "
    "Audience Measurement services provided by Nielsen and Quantcast."
)
REDDIT_NEW = REDDIT_OLD + (
    " If you have an account with us and you visit our site with an opt-out "
    "preference signal (such as Global Privacy Control) enabled, we will treat "
    "that as an opt-out request."
)


def test_right_added_opt_out_preference_signal() -> None:
    change = pair(REDDIT_OLD, REDDIT_NEW)
    assert ("right_added", "narrowed") in labels(change)
    assert change.verdict == "narrowed"


NO_ADS = "We don't use your data to show you ads."


@pytest.mark.parametrize(
    ("old", "new", "direction"),
    [
        (NO_ADS, "We may use your data to show you ads.", "widened"),
        ("We may use your data to show you ads.", NO_ADS, "narrowed"),
        (
            "We do not share your phone number with advertisers.",
            "We may share your phone number with advertisers.",
            "widened",
        ),
        ("We never sell your personal data.", "We may sell your personal data.", "widened"),
    ],
)
def test_negation_flips(old: str, new: str, direction: str) -> None:
    change = pair(old, new)
    assert labels(change)[0] == ("polarity_flipped", direction)
    assert change.verdict == direction


def test_modality_strengthened() -> None:
    change = pair(
        "We may share your phone number with advertisers.",
        "We will share your phone number with advertisers.",
    )
    assert labels(change) == [("modality_strengthened", "widened")]


def test_data_added_to_a_negative_promise_protects_more() -> None:
    change = pair(
        "We do not disclose your phone number to advertisers.",
        "We do not disclose your phone number or your email address to advertisers.",
    )
    assert labels(change) == [("data_added", "narrowed")]


def test_rewording_is_neutral() -> None:
    # Quoted from ../shared/corpus/history/zoom/privacy-policy/2024-07-19T181937Z.md → 2024-08-05T181953Z.md
    change = pair(
        "We will retain this data until and unless you choose to disable these features.",
        "Zoom will retain this data for this purpose until and unless you choose to "
        "disable these features.",
    )
    assert labels(change) == [("reworded", "neutral")]
    assert change.verdict == "neutral"


def test_an_added_clause_that_states_no_practice_is_not_substantive() -> None:
    result = policydiff.compare(
        NO_ADS + "\n",
        NO_ADS + "\n\nIs this policy viewable in other languages? Yes, but only in English.\n",
    )
    (change,) = result.changed()
    assert change.kind is ChangeKind.ADDED
    assert (change.substantive, change.reason) == (False, "states no practice")


def test_explain_shows_the_frame() -> None:
    from click.testing import CliRunner

    from policydiff.cli import main

    result = CliRunner().invoke(
        main, ["explain", str(PRIVACY / "20240923152623.md"), "--section", "8.3"]
    )
    assert result.exit_code == 0, result.output
    assert "§ 8.3. Law Enforcement Authorities" in result.stdout
    assert "conditions: criminal_activity: 'criminal activities'" in result.stdout
    assert "qualifiers: tos_violation: 'violate the Telegram Terms of Service'" in result.stdout
    missing = CliRunner().invoke(
        main, ["explain", str(PRIVACY / "20240923152623.md"), "--section", "99"]
    )
    assert (missing.exit_code, missing.stderr) == (
        3,
        "Error: no section '99' with practice clauses in this policy\n",
    )


def test_german_headline_reads_the_same_from_the_german_lexicon() -> None:
    from conftest import HTML_DE_NEW, HTML_DE_OLD

    (change,) = policydiff.compare(HTML_DE_OLD, HTML_DE_NEW).substantive_changes
    assert change.category == "authorities" and change.verdict == "widened"
    assert labels(change) == [
        ("condition_broadened", "widened"),
        ("safeguard_added", "narrowed"),
        ("notice_changed", "narrowed"),
    ]
    assert "from terrorism to criminal activity" in change.findings[0].explanation
    assert change.findings[1].new_words == "rechtliche Analyse"
    aspects = dict(change.unchanged)
    assert aspects["data"] == "IP-Adresse, Telefonnummer"
    assert aspects["modality"] == "können weitergeben"


def test_a_pointer_is_no_practice_but_a_right_behind_a_link_is() -> None:
    from policydiff.classify import classify
    from policydiff.languages import language
    from policydiff.models import Clause
    from policydiff.semantics import practice_reader

    lang = language("en")
    reader = practice_reader("en")

    def added(text: str) -> tuple[bool, str | None]:
        clause = Clause(id="x", ordinal=0, text=text)
        return classify(ChangeKind.ADDED, (), (clause,), (), find_renames_none(), lang, reader)

    assert added("Read more about how we use AI in our Help Centre.") == (False, "pointer")
    assert added("Example Inc. and its affiliates are subsidiaries of Parent.com, Inc.") == (
        False,
        "pointer",
    )
    assert added("Swiss representative for data protection questions:") == (False, "label")
    assert added("Data Protection Officer") == (False, "label")
    assert added("Please read this privacy policy carefully.") == (False, "pointer")
    # The pointer stays when the clause also gives the reader a choice.
    assert added("You can opt out of personalised ads at any time; learn more here.")[0]


def find_renames_none():  # type: ignore[no-untyped-def]
    from policydiff.classify import Renames

    return Renames(frozenset())


def test_a_small_paraphrase_is_not_substantive_but_a_new_list_member_is() -> None:
    from policydiff import compare

    def only(old: str, new: str):  # type: ignore[no-untyped-def]
        result = compare(f"# P\n\n{old}\n", f"# P\n\n{new}\n")
        return next(c for c in result.changes if c.kind is ChangeKind.MODIFIED)

    same = only(
        "We use your contact details to process online payments for your orders.",
        "We use your contact details to process payment services for your orders.",
    )
    assert (same.substantive, same.reason) == (False, "paraphrase")
    member = only(
        "We may share your data in a merger or sale of our company.",
        "We may share your data in a merger, bankruptcy or sale of our company.",
    )
    assert member.substantive
    amount = only(
        "The public can view much of the content you post.",
        "The public can view some content you post.",
    )
    assert amount.substantive


def test_dropping_the_exception_of_a_promise_narrows_it() -> None:
    from policydiff import compare

    result = compare(
        "# Terms\n\nZoom will not use audio, video or chat Customer Content to train our "
        "artificial intelligence models without your consent.\n",
        "# Terms\n\nZoom does not use any of your audio, video or chat Customer Content to "
        "train artificial intelligence models.\n",
    )
    (change,) = result.substantive_changes
    assert change.category == "ai" and change.verdict == "narrowed"
    assert ("condition_narrowed", "narrowed") in labels(change)
    assert not any(f.direction == "widened" for f in change.findings)


def test_a_new_member_of_a_list_takes_the_slot_of_its_neighbours() -> None:
    from policydiff import compare

    def only(old: str, new: str):  # type: ignore[no-untyped-def]
        result = compare(f"# P\n\n{old}\n", f"# P\n\n{new}\n")
        return next(c for c in result.changes if c.kind is ChangeKind.MODIFIED)

    places = only(
        "For users in California, Colorado and Virginia, you have the right to opt out of "
        "the sale of your personal information.",
        "For users in California, Colorado, Indiana and Virginia, you have the right to opt "
        "out of the sale of your personal information.",
    )
    assert ("right_added", "narrowed") in labels(places)
    assert places.verdict == "narrowed"
    reordered = only(
        "We may share your information with our service providers, affiliates and partners.",
        "We may share your information with our partners, service providers and affiliates.",
    )
    assert not any(f.label.endswith("_added") for f in reordered.findings)


def test_findings_name_their_dpv_concept(headline) -> None:  # type: ignore[no-untyped-def]
    concepts = {f.label: f.concept for f in headline.findings}
    assert concepts["safeguard_added"] == "https://w3id.org/dpv#LegalComplianceAssessment"
    change = next(
        c
        for c in history("20250603061443", "20250709181618").substantive_changes
        if "Microsoft" in c.new_text
    )
    assert change.findings[0].concept == "https://w3id.org/dpv#ThirdParty"
    data = headline.to_dict()["changes"][0]["findings"]
    assert all("concept" in f for f in data)


def test_a_trigger_where_there_was_none_gates_the_practice() -> None:
    from policydiff import compare

    result = compare(
        "# P\n\nWe share your personal data with our partners for analytical purposes.\n",
        "# P\n\nWe share your personal data with our partners for analytical purposes where "
        "permitted by applicable law.\n",
    )
    (change,) = result.substantive_changes
    assert ("condition_narrowed", "narrowed") in labels(change)
    assert change.verdict == "narrowed"


def test_a_clause_rewritten_and_moved_is_read_as_one_change() -> None:
    from policydiff import compare

    result = compare(
        "# 1. Uses\n\nWe use your messages to improve the service.\n\n"
        "# 2. Training\n\nWe will not use your messages to train our artificial intelligence "
        "models without your consent.\n",
        "# 1. Uses\n\nWe use your messages to improve the service.\n\n"
        "We do not use any of your messages to train artificial intelligence models.\n\n"
        "# 2. Training\n\nModels are trained on public data only.\n",
    )
    moved = next(c for c in result.substantive_changes if "without your consent" in c.old_text)
    assert moved.kind is ChangeKind.MODIFIED and moved.verdict == "narrowed"
    assert ("condition_narrowed", "narrowed") in labels(moved)


def test_zoom_august_2023_ai_training_narrowed_and_its_changelog_line_is_no_practice() -> None:
    """Zoom's terms, 2023-08-07 → 2023-08-11: the consent exception to "will not use … to
    train our artificial intelligence models" is gone, so the promise narrowed; the update
    note announcing it is a changelog line, not a practice change."""
    from conftest import DATA

    from policydiff import compare

    result = compare(DATA / "zoom_terms_2023-08-07.md", DATA / "zoom_terms_2023-08-11.md")
    training = next(c for c in result.substantive_changes if "without your consent" in c.old_text)
    assert training.category == "ai" and training.verdict == "narrowed"
    assert "train" in training.new_text
    note = next(c for c in result.changes if c.new_text.startswith("Updates to Section 10"))
    assert not note.substantive and note.reason == "changelog entry"
    assert not [
        c
        for c in result.substantive_changes
        if c.category == "ai" and c.verdict in ("widened", "mixed")
    ]


def test_broader_data_widens_along_the_hierarchy() -> None:
    """ "phone number" → "contact information": the same branch of the data hierarchy, now
    broader, so the practice widened (not 'mixed' from one removal and one addition)."""
    from policydiff import compare

    result = compare(
        "# P\n\nWe may share your phone number with our service providers.\n",
        "# P\n\nWe may share your contact information with our service providers.\n",
    )
    (change,) = result.substantive_changes
    assert change.verdict == "widened"
    assert [f.label for f in change.findings] == ["data_added"]


def test_french_ne_que_means_only_not_never() -> None:
    from policydiff.semantics import frame_of
    from policydiff.semantics.lexicon import lexicon

    lex = lexicon("fr")
    assert frame_of("Nous ne partageons pas vos données avec des tiers.", None, lex).negated
    assert frame_of(
        "Nous n'utilisons jamais vos données à des fins publicitaires.", None, lex
    ).negated
    only = "Nous ne partageons vos données qu'avec nos prestataires."
    assert not frame_of(only, None, lex).negated


def test_an_item_added_to_a_list_of_purposes_is_a_purpose() -> None:
    from policydiff import compare

    result = compare(
        "# AI\n\nWe currently use AI for the following purposes:\n\n* Translating messages.\n",
        "# AI\n\nWe currently use AI for the following purposes:\n\n* Translating messages.\n"
        "* Improving the ranking of search results.\n",
    )
    (change,) = result.substantive_changes
    assert [(f.label, f.direction) for f in change.findings] == [("purpose_added", "widened")]


def test_names_in_a_long_clause_are_read_in_linear_time() -> None:
    """Thousands of company names and sharing verbs in one clause: each looked up once."""
    import time

    from policydiff.semantics import frame_of
    from policydiff.semantics.lexicon import lexicon

    lex = lexicon("en")
    text = "We share data. " + "We share personal data with Acme Data Inc. " * 3000
    start = time.perf_counter()
    frame_of(text, None, lex)
    assert time.perf_counter() - start < 20  # a hang guard only; speed is measured elsewhere


def _modified(old: str, new: str, heading: str = "Terms") -> ClauseChange:
    head = f"# Privacy Policy\n\n## {heading}\n\n"
    result = policydiff.compare(f"{head}{old}\n", f"{head}{new}\n")
    return next(c for c in result.changes if c.kind is ChangeKind.MODIFIED)


def _added(old: str, new: str) -> ClauseChange:
    result = policydiff.compare(f"# P\n\n{old}\n", f"# P\n\n{old}\n\n{new}\n")
    return next(c for c in result.changes if c.kind is ChangeKind.ADDED)


# Quoted from the corpus: tinder-privacy-policy 2024-08 → 2025-02 ("8. Your Rights").
_COMPLAINT = (
    "In certain countries, including in the European Economic Area and the United Kingdom, "
    "you have a right to {}lodge a complaint with the appropriate data protection authority "
    "if you have concerns about how we process your personal data."
)


def test_what_joins_a_clause_granting_a_right_extends_the_right() -> None:
    change = _modified(_COMPLAINT.format(""), _COMPLAINT.format("a judicial remedy and to "))
    assert labels(change) == [("right_added", "narrowed")]
    # The authority one complains to is a role, not a recipient, nor a cue of "authorities".
    assert change.category != "authorities"
    # Lyft 2025-12: "You can review and edit … your profile or Family Account".
    lyft = _modified(
        "Profile Information. You can review and edit certain account information you have "
        "chosen to add to your profile by logging in to your account settings and profile.",
        "Profile Information. You can review and edit certain account information you have "
        "chosen to add to your profile or Family Account by logging in to your account "
        "settings and profile.",
    )
    assert labels(lyft) == [("right_added", "narrowed")]


def test_a_place_dropped_from_a_list_whose_separators_changed() -> None:
    # Vimeo 2022-10 → 2024-10: the UK no longer has a local representative.
    text = (
        "Alternatively, if you are in the {} and would like to exercise your rights or have "
        "questions about our processing of personal information, you may contact our local "
        "representative."
    )
    change = _modified(
        text.format("UK, EU/EEA or Switzerland"), text.format("EU, EEA, or Switzerland")
    )
    assert ("right_removed", "widened") in labels(change)
    assert change.verdict == "widened"


def test_a_phrase_split_by_new_words_was_widened_not_removed() -> None:
    # Bumble 2023-10: "Date of birth;" → "Date, time, and location of birth;".
    result = policydiff.compare(
        "# P\n\nWe may collect certain information about you, such as:\n\n- Name;\n"
        "- Date of birth;\n",
        "# P\n\nWe may collect certain information about you, such as:\n\n- Name;\n"
        "- Date, time, and location of birth;\n",
    )
    (change,) = result.substantive_changes
    assert change.verdict == "widened"
    assert [f.label for f in change.findings] == ["data_added"]


def test_the_companys_own_address_is_no_data_about_the_user() -> None:
    # Flixbus 2023-05 (French): an objection sent to an e-mail address is a right, and the
    # address is where to write, not data collected.
    change = _added(
        "Nous utilisons vos données pour vous recommander des trajets.",
        "Vous pouvez à tout moment nous aviser de votre opposition au traitement de vos "
        "données réalisé à des fins d'apprentissage automatique à l'adresse électronique "
        '" data.protection@flixbus.com ".',
    )
    assert labels(change) == [("right_added", "narrowed")]


def test_a_representative_replaced_is_neutral() -> None:
    # Vimeo 2022-10 → 2024-10, "15. How to Contact Us".
    change = _modified(
        "For Switzerland: RA Robert Niedermeier, DATA BUSINESS SERVICES GmbH & CO "
        "KG-Switzerland, Badenerstrasse 549, City West, Zurich, CH-8048; or by email at "
        "niedermeier@db5.io.",
        "For Switzerland: EDPO Switzerland Sàrl via the online request form at "
        "https://edpo.com/swiss-data-request or by writing to EDPO Switzerland at Rue de "
        "Lausanne 37, 1201 Geneva, Switzerland.",
        heading="15. How to Contact Us",
    )
    assert change.verdict == "neutral"
    assert [f.label for f in change.findings] == ["practice_removed", "practice_added"]
    assert "Robert Niedermeier" in (change.findings[0].old_words or "")
    assert "EDPO Switzerland" in (change.findings[1].new_words or "")


def test_a_later_cell_of_a_recipient_row_is_its_purpose() -> None:
    # Hugging Face 2024-04: "OVH | Hosting/Infrastructure & Invoicing | France".
    lead = (
        "The following list respects the format Subprocessor | Description of Subprocessing "
        "| Location of Subprocessing."
    )
    result = policydiff.compare(
        f"# Subprocessors\n\n{lead}\n\n- OVH | Hosting/Infrastructure & Invoicing | France\n",
        f"# Subprocessors\n\n{lead}\n\n- OVHCloud | Hosting/Infrastructure | France\n",
    )
    (change,) = result.substantive_changes
    assert labels(change) == [("purpose_removed", "narrowed")]


def test_or_not_and_a_table_cell_end_a_negation() -> None:
    # Bumble 2023-10, a row of its table of purposes.
    change = _added(
        "We use your data to provide the App.",
        "To improve your experience on the App | Data about profile photos such as whether "
        "the first profile photo is scrolled on or not and whether the vote is a yes or a "
        "no | We obtain this information from the way users interact with the App",
    )
    assert change.verdict == "widened"


def test_a_clause_that_only_limits_processing_is_a_safeguard() -> None:
    # Badoo 2022-10, its joint-controller arrangement with The Meet Group.
    change = _added(
        "We use your data to provide the App.",
        "Badoo and TMG will jointly process your personal data only for the reasons given below.",
    )
    assert labels(change) == [("safeguard_added", "narrowed")]


def test_what_was_named_becoming_an_example_of_something_wider_broadens() -> None:
    # Lyft 2025-12 → 2026-02, "Linked Accounts and Sharing Upon Your Request".
    text = (
        "Linked Accounts and Sharing Upon Your Request. If you use the Lyft Platform as part "
        "of {} or if you direct us to share your information with trusted contacts, we will "
        "then share with those parties information about your use of the Lyft Platform, such "
        "as the live location of your ride."
    )
    change = _modified(
        text.format("a Lyft Family account linked with others"),
        text.format(
            "an account linked with others, such as a Lyft Family Account or Lyft Teen account,"
        ),
    )
    assert labels(change) == [("condition_broadened", "widened")]


def test_deletion_effective_immediately_then_kept_30_days_is_retention_extended() -> None:
    # Tumblr 2023 → 2026, "How to Delete Your Account".
    start = "You're free to delete your account at any time and for any reason. "
    change = _modified(
        start + "The deletion will be effective immediately, for the most part.",
        start + "We'll keep your data for 30 days in case you regret your decision.",
        heading="How to Delete Your Account",
    )
    assert ("retention_extended", "widened") in labels(change)


def test_a_promise_to_delete_that_leaves_the_clause_keeps_the_data_longer() -> None:
    # Roblox 2024-12, accounts of users under 13.
    text = (
        "If you have a 13+ account and change your birthday to indicate you are under age 13, "
        "Roblox will save a hash of your email address and {}any email addresses previously "
        "collected from you{}."
    )
    change = _modified(text.format("delete ", " immediately afterwards"), text.format("", ""))
    assert labels(change) == [("retention_extended", "widened")]


def test_a_stretch_saying_when_a_practice_applies() -> None:
    # Booking.com 2024-09: a new clause that applies "even when you are not logged in".
    base = "We use your personal data to personalise offers."
    added = _added(
        base,
        "In order to achieve this purpose, we may combine personal data we collect from you "
        "during different visits to our platform or visits on different devices, even when "
        "you are not logged in.",
    )
    assert ("condition_broadened", "widened") in labels(added)
    # … and inside a modified clause: an exception added narrows, an extension widens.
    text = "We may share your booking details with the property{}."
    narrower = _modified(text.format(""), text.format(", unless you object to it in your account"))
    assert ("condition_narrowed", "narrowed") in labels(narrower)
    wider = _modified(text.format(""), text.format(", even if you cancel your booking later"))
    assert ("condition_broadened", "widened") in labels(wider)


def test_a_later_sentence_denying_a_practice_is_a_promise() -> None:
    # Bumble 2025-05: message content reviewed for topics, with two promises.
    change = _added(
        "We use your personal data to provide the App.",
        "We review the content of messages sent in the App to identify topics, sentiments, "
        "and trends across our Users. We will take steps to remove personally identifying "
        "information from such messages, prior to reviewing them. We will not share the "
        "content of User messages or "
        "information we derive from them with any third party.",
    )
    assert not any(label == "recipient_added" for label, _ in labels(change))
    assert ("safeguard_added", "narrowed") in labels(change)
    assert change.verdict == "widened"  # the review itself is new


def test_keeping_only_as_long_as_needed_dropped_is_retention_extended() -> None:
    # Roblox 2024-12 → 2025-03, "Information required for additional features".
    text = "If you decide to use these features, we will collect, process, and store that content{} to accomplish the purpose of the feature."
    change = _modified(text.format(" only for as long as needed"), text.format(""))
    assert labels(change) == [("retention_extended", "widened")]


def test_a_new_clause_naming_a_company_that_holds_the_data_adds_a_recipient() -> None:
    # Deliveroo 2025-11: after the acquisition, DoorDash is a controller too.
    change = _added(
        "We use your personal data to deliver your orders.",
        "Deliveroo is now part of the DoorDash, Inc. group of companies. This means that from "
        "time to time and where necessary to provide our services to you, DoorDash, Inc. is "
        "also a controller relating to your personal information and the processing "
        "described in this policy.",
    )
    assert ("recipient_added", "widened") in labels(change)


def test_an_invitation_to_contact_the_representative_is_a_contact_clause() -> None:
    # Vimeo 2022-10, "15. How to Contact Us".
    change = _added(
        "You can contact us at privacy@vimeo.com.",
        "Alternatively, if you are in the UK or EU/EEA and would like to exercise your rights "
        "or have questions about our processing of personal data, you may contact our local "
        "representative for EU/EEA or the UK.",
    )
    assert labels(change) == [("practice_added", "narrowed")]


def test_title_case_leads_name_no_recipient() -> None:
    from policydiff.semantics import frame_of
    from policydiff.semantics.lexicon import lexicon

    # Tumblr 2023-06: a heading run into its paragraph.
    frame = frame_of(
        "Information Shared with Our Agents in Order to Operate and Improve the Services: In "
        "some cases, we share information we store with third parties.",
        None,
        lexicon("en"),
    )
    assert not [t for t in frame.get("recipients") if t.name.startswith("org:")]


def test_a_clause_labelled_with_what_it_lists_adds_that() -> None:
    # Badoo 2022-10, its joint-controller arrangement: GDPR Art. 13's headings as labels.
    purposes = _added(
        "We use your personal data to provide the App.",
        "Purposes of Processing. Your personal data will be processed under joint control as "
        "necessary for purposes of providing the following functionalities related to Live: "
        "enable participation in the chat related to Live to communicate with other users; "
        "moderation of the use of live streams.",
    )
    assert [label for label, _ in labels(purposes)] == ["purpose_added"]
    data = _added(
        "We use your personal data to provide the App.",
        "Categories of Personal Data Processed. If you use Live, Badoo and TMG will process "
        "your chat messages and your live video stream.",
    )
    assert [label for label, _ in labels(data)] == ["data_added"]


def test_a_member_joining_an_item_of_a_list_of_purposes_is_a_purpose() -> None:
    # Lyft 2025-12 → 2026-02, "How We Use Your Information" (a short lead-in: its colon is
    # fewer than 60 characters in).
    result = policydiff.compare(
        "# P\n\nTo do this, we use your personal information to:\n\n"
        "- Prevent, investigate, and resolve incidents, accidents, and insurance claims;\n",
        "# P\n\nTo do this, we use your personal information to:\n\n"
        "- Prevent, investigate or cooperate in investigation, and resolve or cooperate in "
        "resolution of incidents, accidents, and insurance claims;\n",
    )
    (change,) = result.substantive_changes
    assert ("purpose_added", "widened") in labels(change)


def test_a_modal_replaced_before_the_same_verb_strengthens_the_practice() -> None:
    # Badoo 2025 → 2026: "might ask for your phone number" → "will ask".
    change = _modified(
        "For safety and security, we may require Users to verify their accounts and might ask "
        "for your phone number.",
        "For safety and security, we may require you to verify your account. This means we "
        "will ask for your phone number.",
    )
    assert ("modality_strengthened", "widened") in labels(change)


def test_what_a_practice_is_for_is_no_condition_of_it() -> None:
    from policydiff.semantics import frame_of
    from policydiff.semantics.lexicon import lexicon

    # Booking.com 2024-09: fraud is the aim here, not a trigger.
    frame = frame_of(
        "For the purposes of detecting and preventing fraud and harm, we may use your contact "
        "information.",
        None,
        lexicon("en"),
    )
    assert not frame.get("conditions")
    # … while a disclosure "in cases involving fraud" is gated by it.
    gated = frame_of(
        "We may disclose your data to authorities in cases involving fraud.", None, lexicon("en")
    )
    assert gated.get("conditions")


def test_a_promise_dropped_is_no_polarity_flip_of_another_practice() -> None:
    # Lyft 2025-12, "Children's Data": the clause still says it deletes children's data.
    change = _modified(
        "Lyft is not directed to children, and we don't knowingly collect personal information "
        "from children under the age of 16. If we find out that a child under 16 has given us "
        "personal information, we will take steps to delete that information.",
        "Lyft is not directed to children under the age of 16. If we find out that a child "
        "under the age of 16 has given us personal information, we will take steps to delete "
        "that information.",
    )
    assert ("safeguard_removed", "widened") in labels(change)
    assert "polarity_flipped" not in [label for label, _ in labels(change)]


def test_a_processor_named_as_the_one_processing_receives_the_data() -> None:
    # Proton 2026-02: third parties now process visitors' data.
    text = (
        "We employ a local installation of self-developed analytics tools. Analytics are "
        "anonymized whenever possible and stored locally (and not on the cloud). IP addresses "
        "are not retained and stored for such analytics.{}"
    )
    change = _modified(
        text.format(""),
        text.format(" Third-party services may process your data to deliver our web pages."),
    )
    assert ("recipient_added", "widened") in labels(change)
    # Booking.com 2024-03: a company named as the provider of a service.
    ads = _modified(
        "Display personalised and interest-based advertisements on other websites.",
        "Display personalised and interest-based advertisements on other websites. "
        "Booking.com uses the services mainly from Criteo B.V., Herengracht 124, Amsterdam, "
        "for individual retargeting ads.",
    )
    assert ("recipient_added", "widened") in labels(ads)


def test_a_clause_gone_that_only_gave_a_purpose_removes_the_purpose() -> None:
    # Tchap 2023-03 (French): profile data no longer said to feed anonymised statistics.
    result = policydiff.compare(
        "# P\n\nNous collectons votre nom et votre adresse e-mail.\n\n"
        "Les données de profil permettent également de réaliser des statistiques anonymisées "
        "sur l'usage de la plateforme.\n",
        "# P\n\nNous collectons votre nom et votre adresse e-mail.\n",
    )
    (change,) = result.substantive_changes
    assert labels(change) == [("purpose_removed", "narrowed")]


def test_counter_examples_from_review() -> None:
    # A denial of one sharing verb turned into another sharing verb flips the practice.
    flipped = _modified(
        "We do not sell your personal information.", "We may share your personal information."
    )
    assert labels(flipped) == [("polarity_flipped", "widened")]
    # A long subject between the negation and its verb is still denied.
    denied = _added(
        "We use your data to provide the App.",
        "No information about your activity is shared with advertisers.",
    )
    assert denied.verdict == "narrowed"
    # A one-word company followed by lowercase words is still a recipient.
    stripe = _modified(
        "We share your payment details with our payment processor.",
        "We share your payment details with Stripe under a processing agreement.",
    )
    assert ("recipient_added", "widened") in labels(stripe)


def _removed(kept: str, gone: str, heading: str = "Terms", lead_in: str = "") -> ClauseChange:
    head = f"# Privacy Policy\n\n## {heading}\n\n{lead_in}"
    result = policydiff.compare(f"{head}{kept}\n\n{gone}\n", f"{head}{kept}\n")
    return next(c for c in result.changes if c.kind is ChangeKind.REMOVED)


def test_a_clause_removed_is_read_as_one_added_is() -> None:
    # Quoted from the bundled Telegram privacy policy (2022-07 → 2026-08): a changelog line
    # that states no practice is not substantive whether it comes or goes.
    kept = "We use your phone number to create your account."
    note = (
        "This policy has been expanded on August 14, 2018 to add information required by "
        "the EU data protection law."
    )
    gone = _removed(kept, note)
    assert (gone.substantive, gone.reason) == (False, "states no practice")
    # A row of a list of recipients names a company: it goes with the data it received
    # (quoted from hugging-face-privacy-policy 2024-04, "List of third-party service
    # providers").
    row = _removed(
        "* Stripe | Payment | United States",
        "* Circle CI Software | Integration and testing platform | United States",
        heading="List of Third-Party Service Providers",
        lead_in="The following list respects the format Subprocessor | Description of "
        "Subprocessing | Location of Subprocessing.\n\n",
    )
    assert row.substantive
    assert ("recipient_removed", "narrowed") in labels(row)


def test_what_a_new_denial_names_is_promised_in_a_clause_and_in_part_of_a_sentence() -> None:
    # Quoted from Telegram's privacy policy, 2022-06-19 → 2022-06-23 (voice-to-text): what
    # the added second verb denies ("and will not use it for … advertising") is no purpose
    # added, nor is what an added sentence denies once it follows a clause's first.
    old = (
        "Since Telegram may rely on a third party, Google LLC, for automatic translation of "
        "messages, the text of specific messages users choose to translate may be shared "
        "with Google in order to obtain their translated versions."
    )
    change = _modified(
        old,
        old + " Google will only access the data to provide a translation and will not use it "
        "for any other Google products, services, or advertising.",
    )
    assert not any(label == "purpose_added" for label, _ in labels(change))
    # Roblox 2025-11 → 2026-05: "We do not show personalized ads to users under the age of 18".
    ads = _modified(
        "We use information about you to show you ads.",
        "We use information about you to show you ads. We do not show personalized ads to "
        "users under the age of 18.",
    )
    assert ("data_added", "widened") not in labels(ads)


def test_titles_of_documents_and_ways_to_reach_the_company_are_no_data() -> None:
    from policydiff.semantics import frame_of
    from policydiff.semantics.lexicon import lexicon

    english, french = lexicon("en"), lexicon("fr")
    # Quoted from amazon.com's privacy notice (2024-03): the words of a notice's title.
    pointer = frame_of(
        "Please read our Additional State-Specific Privacy Disclosures and Consumer Health "
        "Data Privacy Disclosure for additional information about the processing of your "
        "personal data.",
        None,
        english,
    )
    assert "Health" not in {t.words for t in pointer.get("data")}
    assert not [t for t in pointer.get("actions") if t.words.startswith("Disclosure")]
    # Stack Overflow 2021-03: a notice joining a list of notices is no recipient.
    notices = _modified(
        "This notice applies alongside the Privacy Notice for Stack Overflow Teams and the "
        "Cookie Policy.",
        "This notice applies alongside the Privacy Notice for Stack Overflow Teams, Free "
        "Privacy Notice for Stack Overflow Teams, and the Cookie Policy.",
    )
    assert not [label for label, _ in labels(notices) if label == "recipient_added"]
    # Rue du Commerce 2021-01 and BlaBlaCar 2023-10: in a clause on exercising rights, "par
    # email" and an address hidden from robots are how to write, not data collected.
    rights = frame_of(
        "Pour exercer vos droits, il vous suffit d'écrire au délégué, ou par email à "
        "l'adresse suivante : dpo@rueducommerce.com",
        None,
        french,
    )
    assert rights.category == "rights" and not rights.get("data")
    hidden = frame_of(
        "Ces droits peuvent être exercés par courrier ou à [email protected] pour exercer "
        "vos droits.",
        None,
        french,
    )
    assert "email" not in {t.name for t in hidden.get("data")}


def test_a_choice_goes_with_its_practice_and_a_date_alone_is_no_change() -> None:
    # Quoted from Tumblr's privacy policy (2023-01 → 2023-05): the email lookup and its
    # opt-out deleted together narrow the policy; no choice was taken from the user.
    kept = (
        "Account Information: When you create an account on the Services, we'll ask you for "
        "information such as your username, password, age, and email address. We use your "
        "age to verify that you can lawfully use the Services. We use your email address to "
        "verify your Account and to communicate with you, as described in more detail below."
    )
    lookup = _modified(
        kept + " We also allow users to look for their friends by email address; you can, "
        "however, opt out of email lookup through your Account Settings.",
        kept,
    )
    assert not [label for label, _ in labels(lookup) if label == "right_removed"]
    # Tinder 2025-05 → 2025-10: only the date of a line that states no practice changed.
    line = "This Privacy Policy applies from {}. The previous version, available here, applies until then."
    dated = _modified(line.format("May 21, 2025"), line.format("October 10, 2025"))
    assert (dated.substantive, dated.reason) == (False, "date")


def test_a_negation_in_a_condition_is_no_promise() -> None:
    # Quoted from WhatsApp's privacy policy (2021-04): "Even if you do not use our location-
    # related features, we use IP addresses …" states a practice; nothing is promised.
    kept = "We collect information about your activity on our Services."
    change = _modified(
        kept,
        kept + " Even if you do not use our location-related features, we use IP addresses "
        "and other information like phone number area codes to estimate your general location.",
    )
    assert ("data_added", "widened") in labels(change)
