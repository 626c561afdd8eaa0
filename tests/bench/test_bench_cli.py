"""`packager bench` runs as a user runs it and every row is measured in that run or says why
not (not how fast anything is: CI machines vary)."""

import json
import os

import pytest
from packager_cli import packager

from packager.bench import peers

INSTALL_HINT = "missing: install with pip install -e '.[bench]'"



@pytest.fixture(scope="module")
def bench_json(prepared_default):
    r = packager("bench", "--repeats", 3, "--cold-repeats", 1, "--skip", "mobile", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def rows(doc):
    return {r["key"]: r for r in doc["rows"]}


def test_reference_floor_and_stages_are_measured_in_the_run(bench_json):
    by = rows(bench_json)
    for key in ("floor", "reference", "stage-detect-pre", "stage-detect-post", "stage-emotion-pre",
                "stage-emotion-post", "floor-other-threads", "cold-reference", "cold-python", "cold-imports"):
        assert by[key]["status"] == "measured", by[key]
        assert by[key]["median_ms"] > 0 and by[key]["p90_ms"] >= by[key]["median_ms"], by[key]
    assert by["floor"]["n"] == 3 and by["cold-reference"]["n"] == 1
    assert by["floor"]["faces"] == 1 and by["reference"]["faces"] == 1  # the astronaut
    assert by["reference"]["ratio"] == pytest.approx(by["reference"]["median_ms"] / by["floor"]["median_ms"])


@pytest.mark.parametrize("key", ["fer", "mediapipe"])
def test_peers_are_measured_or_plainly_missing(bench_json, key):
    """Where the peers are installed (the bench extra) they run and find the astronaut's face;
    where they are not, the row says how to install them."""
    row = rows(bench_json)[key]
    installed = all(importlib_spec(m) for m in peers.LOADERS[key].requires)
    if installed:
        assert row["status"] == "measured" and row["faces"] == 1, row
        assert rows(bench_json)[f"cold-{key}"]["status"] == "measured"
    else:
        assert row["status"] == "missing" and row["note"].startswith(INSTALL_HINT), row


def importlib_spec(name):
    import importlib.util

    return importlib.util.find_spec(name) is not None


def test_targets_are_judged_on_this_run(bench_json):
    targets = {t["key"]: t for t in bench_json["targets"]}
    assert set(targets) == {"overhead", "vs-mediapipe", "vs-fer", "cold-start"}  # mobile rows skipped here
    by = rows(bench_json)
    assert targets["overhead"]["value"] == pytest.approx(by["reference"]["median_ms"] / by["floor"]["median_ms"])
    for t in targets.values():
        assert (t["met"] is None) == (t["value"] is None), t
        if t["met"] is False:  # a missed target is explained in the closing note
            assert any(t["text"] in n for n in bench_json["notes"]), bench_json["notes"]
    skipped = {r["key"]: r for r in bench_json["rows"] if r["note"].startswith("skipped (--skip")}
    assert set(skipped) == {"mobile-skipped"}


def test_throughput_rows_run_packager_run_on_a_folder(bench_json):
    by = rows(bench_json)
    workers = sorted({1, os.cpu_count() or 1})
    for w in workers:
        row = by[f"throughput-{w}"]
        assert row["status"] == "measured" and row["faces"] == row["n"] == 96 and "images/s" in row["note"], row


def test_video_rows_beside_fer_on_the_same_files(bench_json):
    """packager run VIDEO at 640×360 and 1080p, fer's Video.analyze on the same clips (where the
    bench extra is installed), and the delay the smoothing adds on the real footage."""
    by = rows(bench_json)
    for h in (360, 1080):
        ours = by[f"video-{h}p"]
        assert ours["status"] == "measured" and ours["n"] == 120 and ours["faces"] == 120, ours
        assert "frames/s" in ours["note"]
        fer = by[f"fer-video-{h}p"]
        if all(importlib_spec(m) for m in peers.FER.requires):
            assert fer["status"] == "measured" and fer["baseline"] == f"video-{h}p" and fer["n"] > 0, fer
            assert fer["ratio"] == pytest.approx(fer["median_ms"] / ours["median_ms"])
        else:
            assert fer["status"] == "missing", fer
    for every in (1, 2, 3):
        row = by[f"smoothing-every-{every}"]
        assert row["status"] == "measured" and 0 <= row["median_ms"] < 2000, row
        assert f"--every {every}:" in row["note"] and "raw label changed" in row["note"]


def test_build_and_artifacts_rows_come_from_a_real_build(bench_json):
    by = rows(bench_json)
    assert by["build-cold"]["status"] == by["build-warm"]["status"] == "measured"
    assert by["build-warm"]["ratio"] == pytest.approx(by["build-warm"]["median_ms"] / by["build-cold"]["median_ms"])
    assert "steps reused" in by["build-warm"]["note"]
    for label in ("detector", "emotion"):
        fp32, int8 = by[f"fp32-{label}"], by[f"int8-{label}"]
        assert fp32["status"] == int8["status"] == "measured" and fp32["n"] == 3
        assert fp32["size_bytes"] > 10_000 and int8["size_bytes"] > 10_000
        assert int8["baseline"] == f"fp32-{label}" and int8["ratio"] > 0


def test_markdown_table_and_bad_options():
    r = packager("bench", "--repeats", 2, "--skip", "peers", "--skip", "cold", "--skip", "throughput", "--skip", "video",
                 "--skip", "artifacts",
                 "--skip", "build", "--skip", "mobile", "--quiet")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "| | median | p90 | ratio | size | faces | note |" in lines
    assert any(l.startswith("| reference: end to end |") and "× floor" in l for l in lines)
    assert any(l.startswith("| fer:") and "skipped (--skip peers)" in l for l in lines)
    assert any(l.startswith("| packager run IMAGE |") and "skipped (--skip cold)" in l for l in lines)
    assert "### Targets (ratios from this run)" in lines
    bad = packager("bench", "--repeats", 0)
    assert bad.returncode == 2 and "at least 1" in bad.stderr
