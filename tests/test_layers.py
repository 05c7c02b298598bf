"""Structure: imports only point down the layers of DESIGN.md; public names are sorted."""

from __future__ import annotations

import ast
import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "policydiff"

ROOT = PACKAGE.parent


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def layer_map() -> list[list[str]]:
    """The layers of setup.cfg's import-linter contract, top first: the map is data."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["importlinter:contract:layers"]["layers"].strip().splitlines()
    return [
        [m.strip().removeprefix("policydiff.") for m in re.split(r"[:|]", line)] for line in lines
    ]


def layer_of(path: Path) -> int:
    """0 for the model, counting up to the shell."""
    top = path.relative_to(PACKAGE).with_suffix("").parts[0]
    layers = layer_map()
    for index, members in enumerate(layers):
        if top in members:
            return len(layers) - 1 - index
    if top == "__init__":
        return len(layers) - 1  # the package root is the library's door
    raise AssertionError(f"{top} is in no layer of setup.cfg's [importlinter:contract:layers]")


def imports(path: Path) -> list[str]:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    package = ".".join(("policydiff", *parts[:-1]))
    return imports_of(path.read_text("utf-8"), package)


def imports_of(source: str, package: str) -> list[str]:
    """Absolute names of every module a source imports: relative imports resolved, and
    ``importlib.import_module("…")`` with a literal name counted too."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                if node.module:
                    found.append(".".join([*base, node.module]))
                else:  # from . import store: each name may be a module
                    found.extend(".".join([*base, alias.name]) for alias in node.names)
            elif node.module:
                found.append(node.module)
        elif (
            isinstance(node, ast.Call)
            and _called(node) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(node.args[0].value)
    return found


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return node.func.id if isinstance(node.func, ast.Name) else None


def test_the_import_linter_contracts_hold() -> None:
    """The layers, a stdlib-only model, an I/O-free core, one door to the network."""
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert linter, "import-linter is not installed (pip install -e '.[dev]')"
    result = subprocess.run([linter], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_is_on_the_map(path: Path) -> None:
    layer_of(path)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_model_is_standard_library_only(path: Path) -> None:
    if layer_of(path) != 0:
        return
    for name in imports(path):
        top = name.split(".")[0]
        if top == "policydiff":
            assert layer_of(PACKAGE / (name.split(".")[1] + ".py")) == 0, (path.name, name)
        else:
            assert top in sys.stdlib_module_names or top == "__future__", (path.name, name)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_pure_core_does_no_io(path: Path) -> None:
    if layer_of(path) > 1:
        return
    source = path.read_text("utf-8")
    for forbidden in ("open(", ".read_bytes(", ".read_text(", ".write_", "urlopen"):
        if forbidden == ".read_text(" and "resources.files" in source:
            continue  # package data (language files) is part of the code
        assert forbidden not in source, f"{path.name} does I/O: {forbidden}"


def test_no_public_name_is_shadowed_by_a_submodule() -> None:
    """Importing ``policydiff.X`` sets the package attribute ``X`` to the module, so a public
    function named like a submodule would turn into a module under the user's feet."""
    import policydiff

    submodules = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()}
    assert not submodules & set(policydiff.__all__)


def test_the_import_reader_sees_relative_imports_and_importlib() -> None:
    source = "from . import store\nfrom .archive import http\nimport importlib\nimportlib.import_module('requests')\n"
    found = imports_of(source, "policydiff")
    assert {"policydiff.store", "policydiff.archive", "requests"} <= set(found)
    assert "policydiff.semantics.lexicon" in imports_of(
        "from .lexicon import x", "policydiff.semantics"
    )


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


def test_public_api() -> None:
    import policydiff

    for name in policydiff.__all__:
        assert getattr(policydiff, name) is not None
