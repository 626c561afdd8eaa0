"""Running the ``packager`` command line as a user does: a separate process, this checkout's
package, the session's isolated cache (tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: This checkout, first on the child's path: with ``cwd`` elsewhere, ``python -m packager`` would
#: import whatever packager pip installed, not the code under test.
REPO = Path(__file__).resolve().parents[1]


def packager(*args, cwd=None, timeout: float = 900) -> subprocess.CompletedProcess:
    """``python -m packager ARGS`` (this checkout's) → the finished process (text stdout / stderr)."""
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    return subprocess.run([sys.executable, "-m", "packager", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)


def one_line_error(r: subprocess.CompletedProcess, *needles: str) -> None:
    """The refusal contract: exit 2, one ``packager: error: …`` line holding ``needles``, no
    traceback, nothing on stdout."""
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("packager: error: "), r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    for n in needles:
        assert n in lines[0], lines[0]
