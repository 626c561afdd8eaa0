"""Golden-file comparison for rendered code: one flag (PACKAGER_UPDATE_GOLDEN=1) rewrites the
files, a failure shows a unified diff."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

UPDATE_FLAG = "PACKAGER_UPDATE_GOLDEN"


def updating() -> bool:
    return os.environ.get(UPDATE_FLAG) == "1"


def diff(name: str, want: str, got: str) -> str:
    return "".join(difflib.unified_diff(
        want.splitlines(keepends=True), got.splitlines(keepends=True), f"{name} (expected)", f"{name} (rendered)"
    ))


def check_tree(expected_root: Path, rendered: dict[str, str], hint: str, keep: frozenset[str] = frozenset()) -> list[str]:
    """Compare ``rendered`` (relative path → text) with the files under ``expected_root``;
    returns failure texts (diffs, missing and stale files; the files in ``keep`` are not
    stale)."""
    problems = []
    for rel, text in rendered.items():
        path = expected_root / rel
        if not path.is_file():
            problems.append(f"{path} is missing")
        elif path.read_text() != text:
            problems.append(diff(rel, path.read_text(), text))
    stale = {p.relative_to(expected_root).as_posix() for p in expected_root.rglob("*.swift")} - set(rendered) - keep
    problems.extend(f"{expected_root / rel} is not rendered by any template (stale)" for rel in sorted(stale))
    if problems:
        problems.append(hint)
    return problems


def write_tree(root: Path, rendered: dict[str, str], keep: frozenset[str] = frozenset()) -> None:
    for p in root.rglob("*.swift"):
        if p.relative_to(root).as_posix() not in keep:
            p.unlink()
    for rel, text in rendered.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
