"""Imports point one way: faces → domain → store (DESIGN.md §2, docs/architecture.md).

Checked on the source of every module, so a new module is covered the day it is added.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "chalicelib"

# What each layer must not import (a module name or any module under it).
FORBIDDEN = {
    "faces": ("chalicelib.store", "boto3", "botocore"),
    "domain": ("chalice", "chalicelib.faces", "pydantic"),
    "store": ("chalice", "chalicelib.faces", "chalicelib.domain", "chalicelib.auth", "chalicelib.notify",
              "pydantic"),
    # The edge-free core every layer may use imports no layer at all.
    "errors": ("chalicelib.faces", "chalicelib.domain", "chalicelib.store", "chalice"),
    "config": ("chalicelib.faces", "chalicelib.domain", "chalicelib.store", "chalice"),
    "aws": ("chalicelib.faces", "chalicelib.domain", "chalicelib.store", "chalice"),
    "notify": ("chalicelib.faces", "chalicelib.domain", "chalicelib.store", "chalice"),
    "warm_cache": ("chalicelib.faces", "chalicelib.domain", "chalicelib.store", "chalice", "boto3", "botocore"),
    # Request ids and metric documents: standard library only, for the API and the sweep alike.
    "observability": ("chalicelib.faces", "chalicelib.domain", "chalicelib.store", "chalicelib.auth",
                      "chalice", "boto3", "botocore", "pydantic"),
    # API keys are a domain service: no HTTP framework there either.
    "auth": ("chalice", "chalicelib.faces"),
}


def layer_of(path: Path, root: Path = ROOT) -> str:
    return path.relative_to(root / "chalicelib").parts[0].removesuffix(".py")


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Absolute names of every module the file imports (relative imports resolved)."""
    package = ".".join(path.relative_to(root).parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def violations(path: Path, root: Path = ROOT) -> list[str]:
    forbidden = FORBIDDEN.get(layer_of(path, root), ())
    return sorted(name for name in imported_modules(path, root)
                  for banned in forbidden if name == banned or name.startswith(banned + "."))


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if layer_of(p) in FORBIDDEN)


def test_every_layer_is_checked():
    layers = {layer_of(p) for p in PACKAGE.rglob("*.py")} - {"__init__"}
    unchecked = layers - set(FORBIDDEN) - {"cli"}  # the CLI is an entry point, like app.py
    assert not unchecked, f"add import rules for {unchecked}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_one_way(path):
    assert violations(path) == []


def test_the_checker_sees_relative_and_absolute_imports(tmp_path):
    module = tmp_path / "chalicelib" / "faces" / "together" / "routes.py"
    module.parent.mkdir(parents=True)
    module.write_text("from ...store import keys\nimport boto3\nfrom chalicelib.domain import donors\n")
    assert violations(module, tmp_path) == ["boto3", "chalicelib.store", "chalicelib.store.keys"]
