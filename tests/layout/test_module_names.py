"""No two modules under packager/ share a file name (``__init__.py`` aside): a name says which
module it is wherever it is read — an import line, a traceback, a review — without its folder
(``kotlin.py`` was both the Kotlin settings table and the Kotlin parity harness).  A package and
a module may share a name (``convert/`` the front ends, ``commands/convert.py`` the command): their
file names differ."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "packager"


def clashes(package: Path) -> dict[str, list[str]]:
    """File name → the modules of ``package`` that have it, where more than one does."""
    found = defaultdict(list)
    for path in sorted(package.rglob("*.py")):
        if path.name != "__init__.py":
            found[path.name].append(path.relative_to(package.parent).as_posix())
    return {name: paths for name, paths in found.items() if len(paths) > 1}


def test_no_two_modules_share_a_file_name():
    assert clashes(PACKAGE) == {}


def test_the_check_sees_a_clash_and_not_a_package(tmp_path):
    for rel in ("packager/__init__.py", "packager/codegen/__init__.py", "packager/codegen/kotlin.py",
                "packager/parity/__init__.py", "packager/parity/kotlin.py", "packager/convert/__init__.py",
                "packager/commands/__init__.py", "packager/commands/convert.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    assert clashes(tmp_path / "packager") == {"kotlin.py": ["packager/codegen/kotlin.py", "packager/parity/kotlin.py"]}
