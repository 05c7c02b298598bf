"""Word-level ops and the cosmetic / substantive line."""

from __future__ import annotations

import pytest

from policydiff.classify import Renames, classify, find_renames
from policydiff.diff import hunks, word_ops
from policydiff.languages import language
from policydiff.models import ChangeKind, Clause, ClauseKind, ClauseRole

OLD_83 = (
    "If Telegram receives a court order that confirms you're a terror suspect, we may disclose "
    "your IP address and phone number to the relevant authorities. So far, this has never "
    "happened. When it does, we will include it in a semiannual transparency report published "
    "at: https://t.me/transparency."
)
NEW_83 = (
    "If Telegram receives a valid order from the relevant judicial authorities that confirms "
    "you're a suspect in a case involving criminal activities that violate the Telegram Terms of "
    "Service, we will perform a legal analysis of the request and may disclose your IP address "
    "and phone number to the relevant authorities. If any data is shared, we will include such "
    "occurrences in a quarterly transparency report published at: https://t.me/transparency."
)
EN = language("en")


def test_headline_ops_read_as_a_person_would_mark_them() -> None:
    ops = word_ops(OLD_83, NEW_83)
    assert ops[0] == ("=", "If Telegram receives a ")
    pairs = hunks(ops)
    assert ("court", "valid") in pairs
    assert (
        "terror suspect",
        "suspect in a case involving criminal activities that violate the "
        "Telegram Terms of Service",
    ) in pairs
    assert ("", "will perform a legal analysis of the request and ") in pairs
    assert ("semiannual", "quarterly") in pairs


def test_ops_rebuild_both_texts() -> None:
    ops = word_ops(OLD_83, NEW_83)
    assert "".join(t for s, t in ops if s != "+") == OLD_83
    assert "".join(t for s, t in ops if s != "-") == NEW_83


def clause(
    text: str,
    role: ClauseRole = ClauseRole.PRACTICE,
    number: str | None = None,
    links: tuple[str, ...] = (),
) -> tuple[Clause, ...]:
    kind = ClauseKind.HEADING if role is ClauseRole.HEADING else ClauseKind.PARAGRAPH
    return (Clause(id="x", ordinal=0, text=text, kind=kind, role=role, number=number, links=links),)


NO_RENAMES = Renames(frozenset())


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            "(with an option to use 'Sign in With Google')",
            "(with an option to use 'Sign in with Google')",
            "case or punctuation",
        ),
        ("We process your data, securely.", "We process your data securely", "case or punctuation"),
        (
            "WhatsApp Inc. provides WhatsApp to you under this",
            "WhatsApp LLC provides WhatsApp to you under this",
            "legal form of a company name",
        ),
        (
            "Reddit complies with the EU-U.S. Data Privacy Framework",
            "Reddit, Inc., complies with the EU-U.S. Data Privacy Framework",
            "legal form of a company name",
        ),
        (
            "This is when we use information about your behavioral data",
            "This is when we use information about your behavioural data",
            "spelling",
        ),
        (
            "Effective 15 December 2022 | Archived versions | Download PDF",
            "Effective 1 July 2023 | Archived versions | Download PDF",
            "date",
        ),
        (
            "See section 3.3.5 for details.",
            "See section 3.4 for details.",
            "section reference renumbered",
        ),
        (
            "factors like your age.%22) or location.",
            "factors like your age or location.",
            "markup residue",
        ),
    ],
)
def test_cosmetic_edits(old: str, new: str, reason: str) -> None:
    ops = word_ops(old, new)
    assert classify(ChangeKind.MODIFIED, clause(old), clause(new), ops, NO_RENAMES, EN) == (
        False,
        reason,
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "do not come online for at least 6 months, your account will be deleted",
            "do not come online for at least 18 months, your account will be deleted",
        ),
        ("we do not share your data", "we may share your data"),
        (
            "Since Telegram may rely on Google LLC for translation",
            "Since Telegram may rely on Google LLC or Microsoft Corporation for translation",
        ),
        (OLD_83, NEW_83),
        (
            "Effective until 15 December 2022 we retain your voice recordings for research and training of models.",
            "Effective until 1 July 2023 we retain your voice recordings for research and training of models.",
        ),
    ],
)
def test_substantive_edits(old: str, new: str) -> None:
    ops = word_ops(old, new)
    assert classify(ChangeKind.MODIFIED, clause(old), clause(new), ops, NO_RENAMES, EN) == (
        True,
        None,
    )


def test_framing_clauses_never_alert() -> None:
    for role, reason in (
        (ClauseRole.DATE_LINE, "date line"),
        (ClauseRole.CHANGELOG, "changelog entry"),
    ):
        old, new = clause("Updated 8.3.", role), clause("Updated 8.3 and 10.4.", role)
        assert classify(ChangeKind.MODIFIED, old, new, word_ops("a", "b"), NO_RENAMES, EN) == (
            False,
            reason,
        )
    added = clause("3.7. Age Estimation", ClauseRole.HEADING)
    assert classify(ChangeKind.ADDED, (), added, (), NO_RENAMES, EN) == (False, "heading")


def test_heading_words_can_be_substantive_but_its_number_cannot() -> None:
    old = clause("5.6. No Ads Based on User Data", ClauseRole.HEADING, number="5.6")
    new = clause(
        "5.6. No Ads Based on Contents of Chats or Contact Lists", ClauseRole.HEADING, number="5.6"
    )
    assert classify(ChangeKind.MODIFIED, old, new, (), NO_RENAMES, EN) == (True, None)
    moved = clause("5.7. No Ads Based on User Data", ClauseRole.HEADING, number="5.7")
    assert classify(ChangeKind.MODIFIED, old, moved, (), NO_RENAMES, EN) == (False, "renumbered")


def test_same_text_with_new_number_or_link_is_cosmetic() -> None:
    old = clause("ELIGIBILITY; RESTRICTION ON USE BY CHILDREN", number="34")
    new = clause("ELIGIBILITY; RESTRICTION ON USE BY CHILDREN", number="35")
    assert classify(ChangeKind.MODIFIED, old, new, (), NO_RENAMES, EN) == (False, "renumbered")
    linked = clause("Learn more", links=("https://twitter.com/x",))
    relinked = clause("Learn more", links=("https://x.com/x",))
    assert classify(ChangeKind.MODIFIED, linked, relinked, (), NO_RENAMES, EN) == (
        False,
        "link target",
    )


def test_renames_need_to_recur_and_never_cover_practice_words() -> None:
    pairs = [
        ("Twitter is a public platform", "X is a public platform"),
        ("We use your data to make Twitter better", "We use your data to make X better"),
        ("we may share it", "we will share it"),
        ("we may sell it", "we will sell it"),
        ("we may keep it", "we will keep it"),
    ]
    renames = find_renames([word_ops(a, b) for a, b in pairs], EN)
    assert renames.pairs == frozenset({("twitter", "x")})
    assert renames.shown == (("Twitter", "X"),)
    once = find_renames([word_ops("Google LLC translates", "Microsoft Corporation translates")], EN)
    assert not once.pairs


def test_a_change_inside_a_links_words_is_cosmetic() -> None:
    # Quoted from ../shared/corpus/curated/twitter_privacy_2023-05-18.md → twitter_privacy_2023-09-29.md
    old = "explain why we have removed content or accounts from our services (e.g. [Twitter Rules](https://help.twitter.com/rules))."
    new = "explain why we have removed content or accounts from our services (e.g. [Our Rules](https://help.x.com/rules))."
    import policydiff
    from policydiff.models import Snapshot

    def md(text: str) -> Snapshot:
        return Snapshot(text.encode(), media_type="text/markdown")

    (change,) = policydiff.compare(md(old), md(new)).changed()
    assert (change.substantive, change.reason) == (False, "link text")
    reworded = new.replace("removed content", "removed posts")
    (change,) = policydiff.compare(md(old), md(reworded)).changed()
    assert change.substantive
