"""One ONNX Runtime version per bundle: the onnxruntime (PyPI) that writes and verifies the
``.ort`` files is the version the bundle's apps get — ONNX Runtime's Swift package
(``Package.swift``, ``exact:``) and ``com.microsoft.onnxruntime:onnxruntime-android``
(``build.gradle.kts``) — because an older runtime is not promised to load a newer ``.ort``.

``ONNXRUNTIME_VERSION`` is the newest version published in all three places (docs/DESIGN.md,
"ONNX Runtime version"):

- tag ``1.24.2`` of github.com/microsoft/onnxruntime-swift-package-manager, dated 2026-02-25: its
  newest tag (1.20.0, then 1.24.1 and 1.24.2: no tags 1.21 to 1.23);
- ``com.microsoft.onnxruntime:onnxruntime-android`` 1.24.2 on Maven Central, dated 2026-02-19;
- ``onnxruntime`` 1.24.2 on PyPI (``pip index versions onnxruntime``; PyPI has newer versions,
  up to 1.32.0, which the Swift package does not).

``pyproject.toml`` pins it; ``tests/codegen/test_onnxruntime_version.py`` holds the pin, this
constant, the installed onnxruntime, the runtime library's ``Package.swift`` and
``build.gradle.kts``, the runner template and the docs equal.  ``runtime_version`` is the rule for
a user who needs another version (``--onnxruntime-version``).  Light on purpose: the command line
reads it to write its help.
"""

from __future__ import annotations

import re

from packager.errors import PackagerError

#: The ONNX Runtime of every bundle: the onnxruntime that writes the .ort files and the version
#: the apps' packages ask for.
ONNXRUNTIME_VERSION = "1.24.2"

#: What ``--onnxruntime-version`` states (``packager build`` and ``convert``).
RULE = (
    f"the ONNX Runtime version the bundle's Package.swift (exact:) and build.gradle.kts ask for, also "
    f"recorded in its manifest (default: {ONNXRUNTIME_VERSION}, the version that writes and verifies the .ort "
    "files). X must not be older than the installed onnxruntime, which writes the .ort files: an older runtime "
    "is not promised to load a newer .ort. X must be published both as a tag of "
    "onnxruntime-swift-package-manager and as com.microsoft.onnxruntime:onnxruntime-android on Maven Central; "
    "packager does not check that: choosing X is your responsibility. With this option an installed onnxruntime "
    f"other than {ONNXRUNTIME_VERSION} may write the .ort files")


def installed_version() -> str:
    """The installed onnxruntime's version: the one that writes and verifies the .ort files."""
    import onnxruntime

    return onnxruntime.__version__


def _numbers(version: str) -> tuple[int, ...]:
    """``1.24.2`` → (1, 24, 2); a suffix (``1.25.0.dev1``) is ignored."""
    return tuple(int(x) for x in re.match(r"\d+(?:\.\d+)*", version).group().split("."))


def runtime_version(requested: str | None) -> str:
    """The ONNX Runtime version a bundle's apps get (its package manifest and its manifest.json).

    Without ``requested``: ``ONNXRUNTIME_VERSION``, and the installed onnxruntime must be that
    version (the .ort files are written by the runtime the apps run).  With ``requested`` (three
    numbers, as SwiftPM's ``exact:`` and Maven take it): that version, which must not be older
    than the installed onnxruntime.  Anything else is a ``PackagerError``."""
    writer = installed_version()
    if requested is None:
        if writer != ONNXRUNTIME_VERSION:
            raise PackagerError(
                f"onnxruntime {writer} is installed, but the bundles' apps use ONNX Runtime {ONNXRUNTIME_VERSION}, "
                f"which must also write the .ort files: pip install onnxruntime=={ONNXRUNTIME_VERSION} "
                "(or choose another runtime with --onnxruntime-version, see --help)")
        return ONNXRUNTIME_VERSION
    if not re.fullmatch(r"\d+\.\d+\.\d+", requested):
        raise PackagerError(f"--onnxruntime-version {requested!r}: give a version of three numbers, such as "
                            f"{ONNXRUNTIME_VERSION}")
    if _numbers(requested) < _numbers(writer):
        raise PackagerError(f"--onnxruntime-version {requested} is older than onnxruntime {writer}, which writes the "
                            f".ort files: an older runtime is not promised to load them; give {writer} or newer")
    return requested
