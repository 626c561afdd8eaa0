"""The bench's Kotlin/Swift rows reach each language's harness module (``parity.HARNESSES``).

When the harness modules were renamed (``parity/kotlin.py`` → ``kotlin_harness.py``), the bench kept
its own spelling of their names and printed both rows as "not available" while every other test
passed; this holds the bench to the one home of those names.  The harnesses' ``benchmark`` is
replaced by a stand-in result here (compiling and timing them is test_kotlin_benchmark's and
test_swift_bench's job); what is checked is the plumbing: module, fields, rows."""

from __future__ import annotations

import importlib

import pytest

from packager import parity
from packager.bench import bundle_rows
from packager.parity.harness_bench import STAGES
from packager.progress import Progress


def _result(lang: str) -> dict:
    size = {"width": 640, "height": 480, "faces": 1, f"{lang}_pre_post_ms": 0.2, "reference_inference_ms": 1.0,
            "inference_before_ms": 1.0, "inference_after_ms": 1.0, "ratio": 0.2, "reference_pre_post_ms": 2.0,
            **{f"{lang}_{s}_ms": 0.05 for s in STAGES}, f"{lang}_alloc_bytes_per_frame": 0}
    return {"repeats": 3, "warmup": 1, "threads": 1, "sizes": {"640x480": size}}


@pytest.mark.parametrize("lang", parity.LANGUAGES)
def test_each_language_row_comes_from_its_harness_module(lang, monkeypatch):
    for other in parity.LANGUAGES:
        module = importlib.import_module(parity.HARNESSES[other])
        monkeypatch.setattr(module, "benchmark", lambda repeats, other=other, **kw: _result(other))
    rows = [r for r in bundle_rows.mobile_rows(3, Progress(quiet=True)) if r.key == f"mobile-{lang}-640x480"]
    assert len(rows) == 1, [r.key for r in bundle_rows.mobile_rows(3, Progress(quiet=True))]
    assert rows[0].stats.median == pytest.approx(0.2)
