"""The package layout: subpackages that follow the pipeline, no import circle, no private name
imported across subpackages, and the earlier module names still importable."""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

import toolkit

PKG = Path(toolkit.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    out = {}
    for p in PKG.rglob("*.py"):
        if "data" in p.relative_to(PKG).parts:
            continue
        parts = list(p.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


def _resolve(name: str) -> str:
    return toolkit.MOVED.get(name, name)


def _package(module: str) -> str:
    """The subpackage a module belongs to (a top-level module is its own unit)."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _imports(module: str) -> list[tuple[str, list[str]]]:
    """Every ``toolkit`` import of a module (function-local ones included): (module, names)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "toolkit":
            out.append((_resolve(node.module), [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out.extend((_resolve(a.name), []) for a in node.names
                       if a.name.split(".")[0] == "toolkit")
    return out


def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for m in MODULES:
        for target, names in _imports(m):
            for t in [target, *(f"{target}.{n}" for n in names)]:
                t = _resolve(t)
                if t in MODULES and t != "toolkit" and t != m:
                    edges[m].add(t)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_circle():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_private_name_is_imported_from_another_subpackage():
    bad = []
    for m in MODULES:
        for target, names in _imports(m):
            for n in names:
                if n.startswith("_") and not n.startswith("__") \
                        and _package(target) != _package(m):
                    bad.append(f"{m} imports {n} from {target}")
    assert bad == []


def test_subpackages_follow_the_pipeline():
    subpackages = sorted(m for m, p in MODULES.items() if p.name == "__init__.py" and m != "toolkit")
    for name in ("toolkit.corpus", "toolkit.text", "toolkit.actors", "toolkit.framing",
                 "toolkit.sentiment", "toolkit.topics", "toolkit.instruments", "toolkit.plots",
                 "toolkit.engine", "toolkit.evaluation", "toolkit.project"):
        assert name in subpackages
    assert len(subpackages) >= 6


def test_earlier_module_names_are_the_moved_modules():
    for old, new in toolkit.MOVED.items():
        assert importlib.import_module(old) is importlib.import_module(new), old
    from toolkit.threat import threat_frames

    assert threat_frames is importlib.import_module("toolkit.framing.threat").threat_frames
