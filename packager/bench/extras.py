"""Rows that come from other parts of the packager: model artifacts (fp32 vs int8), ``packager
build`` cold vs warm, and the generated Kotlin/Swift pre/post.

Each is measured through the part's own public entry point; when that part is not there (or
cannot run here) the row says so with the reason.
"""

from __future__ import annotations

import importlib

from packager.bench.table import Row

ARTIFACTS, BUILD, MOBILE = "artifacts", "build", "mobile"
TITLES = {
    ARTIFACTS: "Model artifacts: fp32 vs int8 (.ort, session.run on the bench inputs)",
    BUILD: "packager build: cold cache vs warm cache",
    MOBILE: "Generated Kotlin / Swift pre- and post-processing per image (same pixels and model outputs)",
}


def _missing(module: str, attr: str | None = None) -> str | None:
    """Why ``module.attr`` cannot be used, or None when it can."""
    try:
        mod = importlib.import_module(module)
    except ImportError as e:
        return f"not available: {module} cannot be imported ({e})"
    if attr and not hasattr(mod, attr):
        return f"not available: {module}.{attr} does not exist yet"
    return None


def artifact_rows(prepared, images, progress) -> list[Row]:
    why = _missing("packager.export.build", "build")
    names = [("fp32-detector", "detector .ort fp32"), ("int8-detector", "detector .ort int8"),
             ("fp32-emotion", "emotion .ort fp32"), ("int8-emotion", "emotion .ort int8")]
    return [Row.unavailable(ARTIFACTS, k, n, "not available", why or "not available: not integrated") for k, n in names]


def build_rows(progress) -> list[Row]:
    why = _missing("packager.export.build", "build")
    return [Row.unavailable(BUILD, k, n, "not available", why or "not available: not integrated")
            for k, n in (("build-cold", "packager build, cold cache"), ("build-warm", "packager build, warm cache"))]


def mobile_rows(progress) -> list[Row]:
    rows = []
    for lang in ("kotlin", "swift"):
        why = _missing(f"packager.parity.{lang}", "benchmark")
        rows.append(Row.unavailable(MOBILE, f"mobile-{lang}", f"{lang.capitalize()} pre/post", "not available",
                                    why or "not available: not integrated"))
    return rows


def rows(prepared, images, skip: list[str], progress) -> list[Row]:
    out = []
    for section, make in ((ARTIFACTS, lambda: artifact_rows(prepared, images, progress)),
                          (BUILD, lambda: build_rows(progress)), (MOBILE, lambda: mobile_rows(progress))):
        if section in skip:
            out.append(Row.unavailable(section, f"{section}-skipped", TITLES[section].split(":")[0],
                                       "not available", f"skipped (--skip {section})"))
        else:
            out += make()
    return out
