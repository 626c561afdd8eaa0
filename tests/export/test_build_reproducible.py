"""Two builds of the same inputs give the same bytes; the cache makes the second one cheap and
is never trusted when damaged."""

from __future__ import annotations

import json
import shutil

import onnx
from build_helpers import file_hashes

from packager.export import facebundle, ortformat, rewrite
from packager.options import BuildOptions
from packager.export import ort as ort_export
from packager.cache import Cache
from packager.cache import cache_dir
from packager.progress import Progress


def test_two_builds_are_byte_identical(default_build, second_build):
    for t in ("android", "ios"):
        assert file_hashes(second_build.bundle(t)) == file_hashes(default_build.bundle(t))


def test_second_build_takes_every_step_from_the_cache(default_build, second_build):
    assert default_build.summary["cache"]["misses"] > 0
    assert second_build.summary["cache"]["misses"] == 0


def test_corrupt_cache_entries_are_rebuilt_not_trusted(default_build, second_build, tmp_path):
    damaged = tmp_path / "export-cache"
    shutil.copytree(cache_dir() / "export", damaged)
    entries = sorted(damaged.rglob("*.json"))
    assert entries
    for i, meta in enumerate(entries):
        record = json.loads(meta.read_text())
        if i % 3 == 0:
            meta.write_text(meta.read_text()[:-5])  # truncated record
        elif i % 3 == 1 and record["files"]:
            f = meta.with_name(meta.stem + "." + sorted(record["files"])[0])
            data = bytearray(f.read_bytes())
            data[len(data) // 2] ^= 0xFF  # flipped byte in an artifact
            f.write_bytes(bytes(data))
        else:
            record["info"]["tampered"] = True  # parseable, but not what was computed
            meta.write_text(json.dumps(record))
    cache = Cache(damaged)
    out = tmp_path / "dist"
    facebundle.build(BuildOptions(out=out, quantize="int8"), Progress(quiet=True), cache)
    # every entry it needed was damaged, so each was recomputed before any reuse
    first_use = {}
    for i, k in enumerate(cache.misses):
        first_use.setdefault(k, ("miss", i))
    assert cache.misses and all(k in first_use for k in cache.hits)
    for t in ("android", "ios"):
        assert file_hashes(out / t) == file_hashes(default_build.bundle(t))
    # the entries were rewritten intact: a third build reuses all of them
    again = Cache(damaged)
    facebundle.build(BuildOptions(out=out, quantize="int8"), Progress(quiet=True), again)
    assert again.misses == []


def test_ort_conversion_is_canonical(prepared_default, tmp_path):
    source = prepared_default.detector.onnx_path.read_bytes()
    a, _, _ = ort_export.convert(source, Cache(tmp_path / "a"))
    b, _, _ = ort_export.convert(source, Cache(tmp_path / "b"))
    assert a == b and ortformat.canonical(a) == a


def test_canonical_names_do_not_depend_on_converter_counters(prepared_default):
    model = prepared_default.emotion.load()
    renamed = onnx.ModelProto.FromString(model.SerializeToString())
    inits = {i.name for i in renamed.graph.initializer}
    table = {n: f"other_{k}" for k, n in enumerate(sorted(inits))}  # e.g. scale__535 → scale__534
    for i in renamed.graph.initializer:
        i.name = table[i.name]
    for node in renamed.graph.node:
        node.input[:] = [table.get(x, x) for x in node.input]
        node.name = node.name + "_x"
    a = rewrite.canonical_names(model).SerializeToString(deterministic=True)
    b = rewrite.canonical_names(renamed).SerializeToString(deterministic=True)
    assert a == b


def test_terminal_output_shows_stages_with_times_and_a_summary(default_build, second_build, tmp_path):
    from build_helpers import run_cli

    out = tmp_path / "dist"
    code, stdout, stderr = run_cli("build", "--out", str(out), "--quantize", "int8")
    assert code == 0
    stages = [line for line in stderr.splitlines() if line.endswith(" s)")]
    assert len(stages) >= 8 and all(" done (" in line for line in stages)
    assert any(line.startswith("installing ") for line in stages)
    assert f"{out / 'android'}: " in stdout and "face_detection.ort" in stdout
    assert "CoreML MLProgram       95/95 nodes, 1 partition   (was 84/95 nodes, 12 partitions)" in stdout
    assert "int8 agrees with fp32 on" in stdout
    for t in ("android", "ios"):  # a third build, text mode: still the same bytes
        assert file_hashes(out / t) == file_hashes(default_build.bundle(t))
    assert second_build.summary["bundles"]["android"]["files"] == {
        p: f["bytes"] for p, f in second_build.manifest("android")["files"].items()}
