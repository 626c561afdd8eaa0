"""The harness plumbing: compiled classes are reused, a case the core throws on is reported
(not hidden), and a bad invocation says how to call it."""

from __future__ import annotations

import json
import shutil

from packager.parity import compare, kotlin_harness


def test_compiled_classes_are_reused(kotlin_classes, monkeypatch):
    def no_compiler(*args, **kwargs):
        raise AssertionError("the compiler ran again")

    monkeypatch.setattr(kotlin_harness.subprocess, "run", no_compiler)
    assert kotlin_harness.compile_harness() == kotlin_classes
    assert (kotlin_classes.parent / "complete").is_file()


def test_usage_error(kotlin_classes):
    done = kotlin_harness.run("nonsense")
    assert done.returncode == 2 and "usage" in done.stderr


def test_a_throwing_case_is_reported(kotlin_parity, tmp_path):
    """A case whose pixels do not match its size: the harness records the error for that case,
    runs the others, and the comparison fails it."""
    case, _ = kotlin_parity["astronaut-fer-minixception"]
    good = shutil.copytree(case, tmp_path / "cases" / "good")
    bad = shutil.copytree(case, tmp_path / "cases" / "bad")
    meta = json.loads((bad / "case.json").read_text())
    meta["width"] -= 1
    (bad / "case.json").write_text(json.dumps(meta))
    out = tmp_path / "out"
    kotlin_harness.run_harness(tmp_path / "cases", out)
    assert "pixels.rgb has" in (out / "bad" / "error.txt").read_text()
    failed = compare.compare_case(bad, out / "bad")
    assert not failed.ok and "missing" in failed.failures[0]
    assert compare.compare_case(good, out / "good").ok
