"""An Atom feed (RFC 4287) of substantive changes, one entry each, with stable ids so a
feed reader never shows an entry twice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

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
    ordered = sorted(entries, key=lambda e: (e.updated, e.id), reverse=True)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>{escape(feed_id)}</id>",
        f"  <title>{escape(title)}</title>",
        f"  <updated>{_time(updated)}</updated>",
        "  <author><name>policydiff</name></author>",
        '  <generator uri="https://pypi.org/project/policydiff/">policydiff</generator>',
    ]
    if self_link:
        out.append(f'  <link rel="self" href={quoteattr(self_link)}/>')
    for entry in ordered:
        out += [
            "  <entry>",
            f"    <id>{escape(entry.id)}</id>",
            f"    <title>{escape(entry.title)}</title>",
            f"    <updated>{_time(entry.updated)}</updated>",
        ]
        if entry.link:
            out.append(f'    <link rel="alternate" type="text/html" href={quoteattr(entry.link)}/>')
        out += [
            f"    <summary>{escape(entry.summary)}</summary>",
            f'    <content type="text">{escape(entry.content)}</content>',
            "  </entry>",
        ]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def _time(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
