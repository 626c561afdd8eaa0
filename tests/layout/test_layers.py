"""Layers only look down (docs/DESIGN.md, "Layers"): every import in packager/ — at module level,
inside a function, under ``if TYPE_CHECKING`` — goes to the importer's own layer or a lower one,
and no two parts of packager import each other, however lazily.

``LAYERS`` is the picture in docs/DESIGN.md as data, lowest first.  A part is a top-level module
(``cache``) or a subpackage (``export``); a new module must be placed here before it can land.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "packager"

#: Layer name → the parts in it, lowest layer first.  Within a layer parts may use each other
#: (without a loop); a layer never imports one above it.
LAYERS: list[tuple[str, frozenset[str]]] = [
    # Plain facts and plumbing: errors, options, recipes, file names, the difference measure and
    # its tolerances, the one onnxruntime session, output paths, cache, progress.
    ("base", frozenset({"packager", "errors", "interrupts", "progress", "outputs", "cache", "difference",
                        "imagefiles", "videofiles", "signature", "onnxrt", "isolated", "ortversion",
                        "layout", "recipes", "samples", "timing", "options"})),
    # The numpy specification of every step, and how its results are worded (text, JSON, picture).
    ("reference", frozenset({"reference", "report"})),
    # Source formats → ONNX plus a checked signature; the models a command works on; the inputs a
    # conversion is run and checked on (feeds: samples, a real photo letterboxed, random inputs).
    ("convert", frozenset({"convert", "preparation", "feeds"})),
    # What a bundle is made of besides models: generated code, and the build report's page
    # (which takes plain data: manifests, traced photos, parity numbers).
    ("render", frozenset({"codegen", "htmlreport"})),
    # .ort, quantization, coverage, manifest, bundle writing and install; build and convert.
    ("export", frozenset({"export"})),
    # What ``packager run`` runs on: arguments → images and videos, throughput workers, a video's
    # frames with faces tracked.
    ("run", frozenset({"runner", "video", "pool"})),
    # What measures everything below: the parity harnesses and the benchmark.
    ("measure", frozenset({"parity", "bench"})),
    # One module per command, named after it: options in, printed results and an exit code out.
    ("commands", frozenset({"commands"})),
    # argparse → one call into the package.
    ("cli", frozenset({"cli", "__main__"})),
]


def _part(module: str) -> str:
    """``packager.export.build`` → ``export``; ``packager`` → ``packager``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _module_name(path: Path, package: Path) -> str:
    rel = path.relative_to(package.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(package: Path) -> list[tuple[str, str, str]]:
    """Every import of a module of ``package`` by one of its modules, as (importer, imported
    module, ``file:line``), wherever the import statement stands (``ast.walk`` visits function
    bodies)."""
    files = {_module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    top = package.name
    out = set()
    for name, path in files.items():
        where = path.relative_to(package.parent).as_posix()
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([node.module] if node.module else []))
                # ``from packager.x import y``: y is the module packager.x.y when that file exists.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names]
            else:
                continue
            out |= {(name, t, f"{where}:{node.lineno}") for t in targets if t == top or t.startswith(top + ".")}
    return sorted(out)


def _layer_of() -> dict[str, int]:
    return {part: i for i, (_, parts) in enumerate(LAYERS) for part in parts}


def upward(edges: list[tuple[str, str, str]]) -> list[str]:
    """One line per import from a lower layer to a higher one."""
    level = _layer_of()
    problems = []
    for importer, imported, where in edges:
        a, b = level[_part(importer)], level[_part(imported)]
        if b > a:
            problems.append(f"{importer} (layer {LAYERS[a][0]}) imports {imported} (layer {LAYERS[b][0]}) at {where}")
    return problems


def loops(edges: list[tuple[str, str, str]]) -> list[list[str]]:
    """Loops between parts, each as the parts on it (an import within one part is not one)."""
    graph: dict[str, set[str]] = {}
    for importer, imported, _ in edges:
        a, b = _part(importer), _part(imported)
        if a != b:
            graph.setdefault(a, set()).add(b)
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt):])  # an open part is on the current path
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_every_part_of_packager_has_a_layer():
    level = _layer_of()
    parts = {_part(_module_name(p, PACKAGE)) for p in PACKAGE.rglob("*.py")}
    assert not sorted(parts - level.keys()), "place these in LAYERS (and in docs/DESIGN.md's picture)"
    assert not sorted(level.keys() - parts), "LAYERS names parts that no longer exist"


def test_no_import_goes_up_a_layer():
    assert upward(imports(PACKAGE)) == []


def test_no_two_parts_import_each_other():
    assert loops(imports(PACKAGE)) == []


def test_design_shows_the_layers_in_this_order():
    """The picture in docs/DESIGN.md ("Layers") names the layers and their parts, top layer first:
    ``name │ part part …   what it is``, a line ``     │ part …`` continuing the parts."""
    design = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    picture = design.split("\n## Layers\n", 1)[1].split("```", 2)[1]
    shown: dict[str, list[str]] = {}
    for line in picture.splitlines():
        m = re.match(r"^\s*(\w*)\s*│\s*(.*)$", line)
        if m:
            name = m[1] or list(shown)[-1]
            shown.setdefault(name, []).extend(re.split(r"\s{2,}", m[2].strip())[0].split())
    assert list(shown) == [name for name, _ in reversed(LAYERS)]
    assert {name: sorted(parts) for name, parts in shown.items()} == {name: sorted(parts) for name, parts in LAYERS}


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root / "packager"


def test_the_walk_finds_a_lazy_upward_import_and_a_loop(tmp_path):
    """The checker itself: an import inside a function, relative or absolute, is seen and named."""
    package = _write(tmp_path, {
        "packager/__init__.py": "",
        "packager/difference.py": "def f():\n    from packager.export import ort\n",
        "packager/export/__init__.py": "",
        "packager/export/ort.py": "from .. import difference\n",
        "packager/codegen/__init__.py": "def g():\n    if True:\n        from packager import htmlreport\n",
        "packager/htmlreport/__init__.py": "import packager.codegen\n",
    })
    edges = imports(package)
    assert ("packager.export.ort", "packager.difference", "packager/export/ort.py:1") in edges
    assert upward(edges) == [
        "packager.difference (layer base) imports packager.export.ort (layer export) at packager/difference.py:2"]
    assert sorted(map(sorted, loops(edges))) == [["codegen", "htmlreport"], ["difference", "export"]]
