"""House rules the code keeps: a package per pipeline stage, modules short enough to read, and
no private internals of other libraries (names starting with '_': not imported, not read, not
overridden)."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "hnmatome"
STAGES = ("cli", "core", "hn", "translate", "convert", "review", "site", "site/incremental",
          "serve")
MAX_LINES = 400


def modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_every_stage_has_its_package() -> None:
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage
    flat = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert flat == ["__init__.py", "__main__.py"], "modules belong in a stage's package"


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_a_module_is_short_enough_to_read(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def private_uses(source: str) -> list[str]:
    """Private names of other packages that `source` imports or reads."""
    tree = ast.parse(source)
    external: set[str] = set()  # local names bound to other packages' modules or objects
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and not node.module.startswith("hnmatome"):
            if any(_private(part) for part in node.module.split(".")):
                found.append(f"from {node.module} import ...")
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"from {node.module} import {alias.name}")
                external.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("hnmatome"):
                    continue
                if any(_private(part) for part in alias.name.split(".")):
                    found.append(f"import {alias.name}")
                external.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in external:
                found.append(f"{root.id}...{node.attr}")
    return found


def test_the_check_finds_private_names() -> None:
    source = ("import markupsafe\nfrom linkify_it._ucre_data import SRC_P\n"
              "from argparse import _SubParsersAction\nx = markupsafe._escape_inner\n"
              "from hnmatome.site import urls\ny = urls._PATH_SAFE\n")
    assert private_uses(source) == ["from linkify_it._ucre_data import ...",
                                    "from argparse import _SubParsersAction",
                                    "markupsafe..._escape_inner"]


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_private_name_of_another_package_is_used(path: Path) -> None:
    assert private_uses(path.read_text(encoding="utf-8")) == []


def _defined_in_classes(source: str) -> dict[str, set[str]]:
    """The private names each class of `source` defines in its body (methods, attributes)."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            names = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(item.name)
                elif isinstance(item, ast.Assign | ast.AnnAssign):
                    targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                    names |= {target.id for target in targets if isinstance(target, ast.Name)}
            found[node.name] = {name for name in names if _private(name)}
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_private_method_of_another_package_is_overridden(path: Path) -> None:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    if name.endswith("__main__"):
        return
    module = importlib.import_module(name)
    for class_name, private in _defined_in_classes(path.read_text(encoding="utf-8")).items():
        cls = getattr(module, class_name, None)
        if not inspect.isclass(cls):
            continue  # a class defined inside a function
        foreign = [base for base in cls.__mro__[1:]
                   if not base.__module__.startswith(("hnmatome", "builtins"))]
        for attribute in private:
            assert not any(attribute in vars(base) for base in foreign), \
                f"{class_name}.{attribute} overrides a private name of a library"
