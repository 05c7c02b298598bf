"""Word-level differences between two clause texts, through diff-match-patch."""

from __future__ import annotations

import re

from policydiff.models import Op

__all__ = ["hunks", "word_ops"]

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.U)
_FIRST = 0x100  # map tokens above ASCII so no token becomes a control character


def word_ops(old: str, new: str) -> tuple[Op, ...]:
    """``(("=", "If Telegram receives a "), ("-", "court"), ("+", "valid"), ...)``.

    Words are diffed as units (each word, space run or punctuation mark is one symbol).
    diff-match-patch's lossless semantic cleanup aligns edits on word boundaries, and
    its efficiency cleanup folds one-word equalities caught between edits into them.
    (Its full semantic cleanup, made for characters, swallows whole phrases at word
    granularity: it would hide that "terror suspect" became "suspect in a case ...".)
    Joining ``=`` and ``-`` gives ``old``; joining ``=`` and ``+`` gives ``new``.
    """
    from diff_match_patch import diff_match_patch

    vocabulary: dict[str, str] = {}
    tokens: list[str] = []

    def encode(text: str) -> str:
        out = []
        for token in _TOKEN.findall(text):
            symbol = vocabulary.get(token)
            if symbol is None:
                symbol = chr(_FIRST + len(tokens))
                if 0xD800 <= ord(symbol) <= 0xDFFF:  # skip surrogates
                    tokens.extend([""] * 0x800)
                    symbol = chr(_FIRST + len(tokens))
                vocabulary[token] = symbol
                tokens.append(token)
            out.append(symbol)
        return "".join(out)

    a, b = encode(old), encode(new)
    engine = diff_match_patch()
    engine.Diff_Timeout = 0
    engine.Diff_EditCost = 2
    diffs = engine.diff_main(a, b, False)
    engine.diff_cleanupSemanticLossless(diffs)
    engine.diff_cleanupEfficiency(diffs)
    ops: list[Op] = []
    signs = {0: "=", -1: "-", 1: "+"}
    for code, symbols in diffs:
        text = "".join(tokens[ord(s) - _FIRST] for s in symbols)
        if not text:
            continue
        sign = signs[code]
        if ops and ops[-1][0] == sign:
            ops[-1] = (sign, ops[-1][1] + text)
        else:
            ops.append((sign, text))
    return tuple(ops)


def hunks(ops: tuple[Op, ...]) -> list[tuple[str, str]]:
    """Each run of edits between two equalities, as (deleted text, inserted text)."""
    result: list[tuple[str, str]] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for sign, text in ops:
        if sign == "=":
            if deleted or inserted:
                result.append(("".join(deleted), "".join(inserted)))
                deleted, inserted = [], []
        elif sign == "-":
            deleted.append(text)
        else:
            inserted.append(text)
    if deleted or inserted:
        result.append(("".join(deleted), "".join(inserted)))
    return result
