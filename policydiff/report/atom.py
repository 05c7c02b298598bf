"""An Atom feed (RFC 4287) of substantive changes, one entry each, with stable ids so a
feed reader never shows an entry twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from policydiff.normalize.text import printable

__all__ = ["FeedEntry", "render_feed"]


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: str  # a tag: URI, stable for one change of one policy
    title: str
    updated: datetime
    link: str | None  # the HTML report
    summary: str
    content: str  # plain text: the findings


def render_feed(
    entries: Sequence[FeedEntry],
    *,
    feed_id: str,
    title: str,
    updated: datetime,
    self_link: str | None = None,
) -> str:
    """The feed as Atom XML, built with feedgen: newest entry first."""
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.updated(updated)
    feed.author({"name": "policydiff"})
    feed.generator("policydiff", uri="https://pypi.org/project/policydiff/")
    if self_link:
        feed.link(href=self_link, rel="self", type="application/atom+xml")
    # feedgen puts the entry added last first: add them oldest first.
    for entry in sorted(entries, key=lambda e: (e.updated, e.id)):
        item = feed.add_entry()
        item.id(_clean(entry.id))
        item.title(_clean(entry.title))
        item.updated(entry.updated)
        if entry.link:
            item.link(href=_clean(entry.link), rel="alternate", type="text/html")
        item.summary(_clean(entry.summary))
        item.content(_clean(entry.content), type="text")
    return str(feed.atom_str(pretty=True).decode("utf-8"))


def _clean(text: str) -> str:
    """XML 1.0 has no place for most control characters: drop them (and bidi controls,
    which would reorder the text in a reader)."""
    return "".join(
        ch
        for ch in printable(text)
        if ch in "\t\n\r" or (ord(ch) >= 0x20 and ord(ch) not in (0xFFFE, 0xFFFF))
    )
