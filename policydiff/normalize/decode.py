"""From bytes to text: size limit, binary detection, character set, format sniffing."""

from __future__ import annotations

import codecs
import re

from policydiff.errors import BinaryInput, EmptyInput, InputTooLarge, UndecodableInput

__all__ = ["DEFAULT_MAX_BYTES", "decode", "sniff_format"]

DEFAULT_MAX_BYTES = 16_000_000

_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\x7fELF", "executable"),
    (b"RIFF", "RIFF media"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"wOFF", "web font"),
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes, charset: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode ``data`` strictly; ``charset`` (from HTTP) wins over the document's own."""
    if len(data) > max_bytes:
        raise InputTooLarge(len(data), max_bytes)
    if not data.strip():
        raise EmptyInput()
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise BinaryInput(kind)
    encoding, start, declared = _choose_encoding(data, charset)
    try:
        text = data[start:].decode(encoding)
    except UnicodeDecodeError as err:
        if declared:
            raise UndecodableInput(encoding, start + err.start) from err
        # Undeclared and not UTF-8: legacy pages are Windows-1252, which leaves five
        # byte values undefined, so random bytes still fail here.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UndecodableInput("utf-8", err.start) from err
    sample = text[:65536]
    if _CONTROL.search(sample) and len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise BinaryInput("control characters")
    return text


def _choose_encoding(data: bytes, charset: str | None) -> tuple[str, int, bool]:
    """The encoding, where the text starts, and whether the encoding was declared."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom), True
    if b"\x00" in data[:4096]:
        utf16 = _utf16_without_bom(data[:4096])
        if utf16:
            return utf16, 0, True
        raise BinaryInput("NUL bytes")
    if charset:
        return _known(charset), 0, True
    match = _META_CHARSET.search(data[:4096])
    if match:
        return _known(match.group(1).decode("ascii", "replace")), 0, True
    return "utf-8", 0, False


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when every other byte is NUL (text in a Latin script
    written as UTF-16 without its byte-order mark), else None."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    return None


def _known(name: str) -> str:
    try:
        info = codecs.lookup(name)
    except LookupError:
        return "utf-8"
    # A page labelled Latin-1 is Windows-1252 in every browser.
    return "cp1252" if info.name in ("latin-1", "iso8859-1", "ascii") else info.name


_HTML_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_TAG = re.compile(r"<(?:p|div|h[1-6]|li|ul|ol|table|br|span|a\s|section|article)\b", re.I)
_MD_HINT = re.compile(
    r"^(?:#{1,6}\s|\s*[*+-]\s+\S|\s*\d+[.)]\s+\S|={3,}\s*$|-{3,}\s*$|\|.*\|\s*$|>\s)|\]\(|\*\*\S",
    re.M,
)


def sniff_format(text: str, hint: str | None = None) -> str:
    """``"html"``, ``"markdown"`` or ``"text"``: the hint (an extension or media type) if it
    names HTML or Markdown, else the content."""
    if hint:
        hint = hint.lower().lstrip(".")
        if hint in ("html", "htm", "xhtml", "text/html", "application/xhtml+xml"):
            return "html"
        if hint in ("md", "markdown", "text/markdown", "text/x-markdown"):
            return "markdown"
        # "text/plain" and ".txt" say little: archives serve Markdown that way too.
    head = text[:20000]
    if _HTML_START.match(head) or len(_HTML_TAG.findall(head)) >= 3:
        return "html"
    if len(_MD_HINT.findall(head)) >= 2:
        return "markdown"
    return "text"
