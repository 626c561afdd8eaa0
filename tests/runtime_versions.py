"""The ONNX Runtime versions a built bundle names (tests/codegen/test_onnxruntime_version.py says
why they must be one)."""

from __future__ import annotations

import json
from pathlib import Path

from packager import codegen, layout


def bundle_runtime_versions(root: Path) -> set[str]:
    """Every ONNX Runtime version a built bundle names: its manifest's writer and package, and
    the version its Package.swift / build.gradle.kts ask for (wherever they are in the bundle)."""
    m = json.loads((root / layout.MANIFEST).read_text())
    pin = codegen.language(layout.TARGETS[m["target"]].language).onnxruntime
    assert m["runtime_package"]["package"] == pin.package
    found = [v for p in sorted(root.rglob(pin.file)) for v in pin.found(p.read_text())]
    assert len(found) == 1, found
    return {m["onnxruntime_version"], m["runtime_package"]["version"], *found}
