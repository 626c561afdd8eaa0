"""Golden-file comparison for rendered code, for every language: one flag
(``PACKAGER_UPDATE_GOLDEN=1``) rewrites the committed files, a failure shows a unified diff.

The committed wrappers (android_wrapper/, ios_wrapper/) are the golden files: ``check_tree``
proves a folder holds exactly what the templates render, among the files ``managed`` selects
(the rest of the folder is the hand-written runtime library).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Callable

import pytest

UPDATE_FLAG = "PACKAGER_UPDATE_GOLDEN"


def updating() -> bool:
    return os.environ.get(UPDATE_FLAG) == "1"


def diff(name: str, want: str, got: str) -> str:
    return "".join(difflib.unified_diff(
        want.splitlines(keepends=True), got.splitlines(keepends=True), f"committed/{name}", f"rendered/{name}"))


def check_tree(folder: Path, rendered: dict[str, str], managed: Callable[[str], bool], hint: str) -> None:
    """``folder`` holds exactly ``rendered`` (relative path → text) among its files that
    ``managed`` selects (by relative path): else the test fails with a diff per file, the missing
    and the stale ones, and ``hint``.  With the flag set the files are written first (stale ones
    removed), so the check then passes and ``git diff`` shows the change to review."""
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*")
               if p.is_file() and managed(p.relative_to(folder).as_posix())}
    if updating():
        for rel in present - set(rendered):
            (folder / rel).unlink()
        for rel, text in rendered.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text)
        present = set(rendered)
    problems = [f"{rel}: not rendered by any template (stale)" for rel in sorted(present - set(rendered))]
    for rel, text in rendered.items():
        path = folder / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif path.read_text() != text:
            problems.append(diff(rel, path.read_text(), text))
    if problems:
        pytest.fail("\n".join(problems + [hint]), pytrace=False)
