"""The version of policydiff (one place, read by setup.cfg and the User-Agent)."""

__version__ = "0.1.0"
