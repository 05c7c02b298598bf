"""Reports: a ``Comparison`` rendered for people (text) and programs (JSON)."""
