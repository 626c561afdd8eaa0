"""Every module-level constant of the package is read somewhere: in its own module, by
``from MODULE import NAME``, or as ``MODULE.NAME`` through an import of that module (templates
count too). A constant only assigned is dead code; a registration kept for its side effect is a
bare call, not a name nobody reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _aliases(tree: ast.Module, here: str) -> dict[str, str]:
    """Local name → module it stands for, from this file's imports."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                out[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative import
                base = ".".join(here.split(".")[: -node.level] + [node.module])
            for a in node.names:
                out[a.asname or a.name] = f"{base}.{a.name}"
    return out


def _reads() -> set[tuple[str, str]]:
    """(module, NAME) pairs read anywhere in packager/ and tests/."""
    reads = set()
    for path in [*ROOT.joinpath("packager").rglob("*.py"), *ROOT.joinpath("tests").rglob("*.py")]:
        here = _module(path)
        tree = ast.parse(path.read_text())
        aliases = _aliases(tree, here)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                reads.add((here, node.id))
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
                reads.add((aliases[node.value.id], node.attr))
            elif isinstance(node, ast.ImportFrom) and node.module:
                reads.update((node.module, a.name) for a in node.names)
    return reads


def test_no_module_constant_is_only_assigned():
    reads = _reads()
    templates = "".join(p.read_text() for p in ROOT.joinpath("packager").rglob("*.j2"))
    dead = []
    for path in ROOT.joinpath("packager").rglob("*.py"):
        here = _module(path)
        for node in ast.parse(path.read_text()).body:
            names = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
            for t in names:
                if (isinstance(t, ast.Name) and re.fullmatch(r"[A-Z][A-Z0-9_]*", t.id)
                        and (here, t.id) not in reads and not re.search(rf"\b{t.id}\b", templates)):
                    dead.append(f"{path.relative_to(ROOT)}: {t.id}")
    assert not dead, dead
