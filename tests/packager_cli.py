"""Running the ``packager`` command line as a user does: a separate process, this checkout's
package, the session's isolated cache (tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys


def packager(*args, cwd=None, timeout: float = 900) -> subprocess.CompletedProcess:
    """``python -m packager ARGS`` → the finished process (text stdout / stderr)."""
    return subprocess.run([sys.executable, "-m", "packager", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=os.environ.copy(), timeout=timeout)
