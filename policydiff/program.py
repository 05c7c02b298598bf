"""The ``policydiff`` program (the console script, ``python -m policydiff``): the language
cache first, then the command line (``policydiff.cli``).

The cache is read before the command line's modules are imported: it puts the patterns that
earlier runs compiled into ``re``'s cache, and the modules that compile patterns when they
are imported (click's, the standard library's: json, platform, tokenize …) then find them
compiled too (read after them, as the command group does, 16 of them were compiled anew at
every start, about 2 ms).
"""

from __future__ import annotations

__all__ = ["run"]


def run() -> None:
    """``policydiff.cli.run`` with the language cache read first."""
    from policydiff import datacache

    datacache.use()
    from policydiff.cli import run as command_line

    command_line()
