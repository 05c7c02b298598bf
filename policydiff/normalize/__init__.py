"""Normalize: bytes of HTML, Markdown or plain text in, the policy's structure out."""

from __future__ import annotations

from policydiff.errors import EmptyInput
from policydiff.normalize.blocks import Block, Parsed
from policydiff.normalize.decode import DEFAULT_MAX_BYTES, decode, sniff_format
from policydiff.normalize.text import canon, fold

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Block",
    "Parsed",
    "canon",
    "fold",
    "parse",
    "sniff_format",
]


def parse(
    data: bytes | str,
    *,
    format_hint: str | None = None,
    charset: str | None = None,
    selector: str | None = None,
    base_url: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[Parsed, str]:
    """The blocks of a policy and the format they were read as."""
    if isinstance(data, bytes):
        text = decode(data, charset=charset, max_bytes=max_bytes)
    else:
        if len(data) > max_bytes:
            from policydiff.errors import InputTooLarge

            raise InputTooLarge(len(data.encode("utf-8", "surrogatepass")), max_bytes)
        text = data
    if not text.strip():
        raise EmptyInput()
    kind = sniff_format(text, format_hint)
    if kind == "html":
        from policydiff.normalize.html import parse_html

        parsed = parse_html(text, selector, base_url)
    elif kind == "markdown":
        from policydiff.normalize.markdown import parse_markdown

        parsed = parse_markdown(text)
    else:
        from policydiff.normalize.plain import parse_text

        parsed = parse_text(text)
    if not parsed.blocks:
        raise EmptyInput()
    return parsed, kind
