"""Structure: imports only point down the layers of DESIGN.md; public names are sorted."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "policydiff"

# Layer of each module (DESIGN.md): 0 model, 1 pure core, 2 edges (I/O), 3 jobs, 4 shell.
LAYERS = {
    "models": 0,
    "_version": 0,
    "errors": 0,
    "lang": 1,
    "normalize": 1,
    "segment": 1,
    "sentences": 1,
    "roles": 1,
    "align": 1,
    "diff": 1,
    "semantics": 1,
    "chronicle": 1,
    "cosmetic": 1,
    "engine": 1,
    "report": 1,
    "sources": 2,
    "notify": 2,
    "files": 2,
    "watchfile": 2,
    "archive": 2,
    "store": 2,
    "api": 3,
    "refs": 3,
    "timeline": 3,
    "watch": 3,
    "cli": 4,
    "__main__": 4,
    "__init__": 4,
}
# Third-party packages the pure core may use; anything doing I/O is kept out of it.
NETWORK = {"requests", "urllib3", "httpx", "waybackpy", "socket", "http", "sqlite3"}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def layer_of(path: Path) -> int:
    relative = path.relative_to(PACKAGE).with_suffix("")
    return LAYERS[relative.parts[0]]


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    own = layer_of(path)
    for name in imports(path):
        top = name.split(".")[0]
        if top == "policydiff":
            parts = name.split(".")
            if len(parts) == 1:
                assert own == 4, f"{path.name} imports the package root"
                continue
            target = LAYERS[parts[1]]
            assert target <= own, f"{path.name} (layer {own}) imports {name} (layer {target})"
        elif own <= 1:
            assert top not in NETWORK, f"{path.name} is pure but imports {name}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_pure_core_does_no_io(path: Path) -> None:
    if layer_of(path) > 1:
        return
    source = path.read_text("utf-8")
    for forbidden in ("open(", ".read_bytes(", ".read_text(", ".write_", "urlopen"):
        if forbidden == ".read_text(" and "resources.files" in source:
            continue  # package data (language files) is part of the code
        assert forbidden not in source, f"{path.name} does I/O: {forbidden}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_all_is_sorted(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            names = ast.literal_eval(node.value)
            assert names == sorted(names, key=_isort), f"{path.name}: __all__ is not sorted"


def _isort(name: str) -> tuple[int, str]:
    """isort's order, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions."""
    if name.isupper() and len(name) > 1:
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


def test_one_door_to_the_network() -> None:
    """Only archive/http.py imports requests; only the archive package imports waybackpy."""
    for path in modules():
        relative = str(path.relative_to(PACKAGE))
        tops = {name.split(".")[0] for name in imports(path)}
        if "requests" in tops or "urllib3" in tops:
            assert relative == "archive/http.py", relative
        if "waybackpy" in tops:
            assert relative.startswith("archive/"), relative


def test_every_module_has_a_layer() -> None:
    for path in modules():
        layer_of(path)


def test_public_api() -> None:
    import policydiff

    for name in policydiff.__all__:
        assert getattr(policydiff, name) is not None
