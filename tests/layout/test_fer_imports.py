"""weights.txt and the README say where the `fer` package is imported; the source agrees: the
modules that import it (or locate its package) are exactly the ones they name."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports_fer(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "fer" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "fer" and not node.level:
            return True
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("find_spec", "import_module")
                and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == "fer"):
            return True
    return False


def test_the_fer_package_is_imported_only_where_weights_txt_and_the_readme_say():
    importers = sorted(str(p.relative_to(ROOT)) for p in ROOT.joinpath("packager").rglob("*.py")
                       if _imports_fer(ast.parse(p.read_text())))
    assert importers == ["packager/bench/peers.py", "packager/bench/video_rows.py"]
    weights, readme = ROOT.joinpath("weights.txt").read_text(), ROOT.joinpath("README.md").read_text()
    for text in (weights, readme):
        flat = " ".join(text.replace("#", " ").split())
        assert not re.search(r"(package itself|The package) is never imported", flat)
        assert all(m in text for m in importers)
