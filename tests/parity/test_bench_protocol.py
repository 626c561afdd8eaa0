"""The one benchmark protocol of the Kotlin and Swift harnesses: one reader for both files."""

from __future__ import annotations

import json

import pytest

from packager.errors import PackagerError
from packager.parity import harness_bench


def _row(**change) -> dict:
    row = {k: 1.0 for k in harness_bench.BENCH_KEYS}
    row.update(alloc_bytes_per_frame=None, **change)
    return row


def test_reads_every_named_case(tmp_path):
    out = tmp_path / "bench.json"
    out.write_text(json.dumps({"640x480": _row(faces=1), "other": _row()}))
    rows = harness_bench.read_bench(out, ["640x480"])
    assert list(rows) == ["640x480"] and rows["640x480"]["faces"] == 1


@pytest.mark.parametrize("key", harness_bench.BENCH_KEYS)
def test_a_missing_key_is_an_error(tmp_path, key):
    row = _row()
    del row[key]
    (tmp_path / "bench.json").write_text(json.dumps({"640x480": row}))
    with pytest.raises(PackagerError, match=f"lacks {key}"):
        harness_bench.read_bench(tmp_path / "bench.json", ["640x480"])


def test_a_missing_case_or_file_is_an_error(tmp_path):
    with pytest.raises(PackagerError, match="wrote no"):
        harness_bench.read_bench(tmp_path / "bench.json", ["640x480"])
    (tmp_path / "bench.json").write_text("{}")
    with pytest.raises(PackagerError, match="'640x480' lacks width"):
        harness_bench.read_bench(tmp_path / "bench.json", ["640x480"])
