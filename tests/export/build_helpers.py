"""Helpers of the ``packager build`` tests: run the command line in-process, read a bundle."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from packager import cli


@dataclass(frozen=True)
class Built:
    """A finished ``packager build``: its output folder and the JSON summary it printed."""

    out: Path
    summary: dict
    stderr: str

    def bundle(self, target: str) -> Path:
        return self.out / target

    def manifest(self, target: str) -> dict:
        return json.loads((self.bundle(target) / "manifest.json").read_text())


def run_cli(*args: str) -> tuple[int, str, str]:
    """``packager ARGS`` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def cli_build(out: Path, *extra: str) -> Built:
    code, stdout, stderr = run_cli("build", "--out", str(out), "--json", *extra)
    assert code == 0, stderr
    return Built(out, json.loads(stdout), stderr)


def file_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}
