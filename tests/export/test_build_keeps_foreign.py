"""``packager build`` onto previous bundles keeps the app developer's files in the bundle folders
(what Gradle, Android Studio, SwiftPM and Xcode leave there), also when the install fails; what
packager wrote is replaced (tests/hostile/test_hostile_rebuild.py tests the mechanism)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from build_helpers import file_hashes, run_cli

from packager.cache import Cache
from packager.errors import PackagerError
from packager.export import facebundle, install
from packager.options import BuildOptions
from packager.progress import Progress

TARGETS = ("android", "ios")
#: Planted in both bundle folders: the root of each and, for the iOS packages, deeper.
PLANTED = {"local.properties": "sdk.dir=/opt/android-sdk\n",
           "build/intermediates/compile_library_classes_jar/debug/classes.jar": "jar",
           "build/outputs/logs/manifest-merger-debug-report.txt": "report",
           ".gradle/8.7/checksums/checksums.lock": "lock",
           ".swiftpm/xcode/package.xcworkspace/contents.xcworkspacedata": "<Workspace/>",
           ".build/arm64-apple-macosx/debug/description.json": "{}",
           "Sources/.swiftpm/xcode/xcuserdata/me.xcuserdatad/xcschemes/x.plist": "plist"}


def _plant(out: Path) -> None:
    for t in TARGETS:
        for rel, text in PLANTED.items():
            (out / t / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / t / rel).write_text(text)


@pytest.fixture
def previous(default_build, tmp_path) -> Path:
    """An output folder holding the default build, with the developer's files planted in it."""
    out = tmp_path / "dist"
    for t in TARGETS:
        shutil.copytree(default_build.bundle(t), out / t)
    shutil.copy(default_build.out / "report.html", out / "report.html")
    _plant(out)
    return out


def _snapshot(out: Path) -> dict:
    return {t: file_hashes(out / t) for t in TARGETS}


def test_a_rebuild_keeps_the_developers_files(default_build, previous):
    code, _, err = run_cli("build", "--out", str(previous), "--quantize", "int8", "--quiet")
    assert code == 0, err
    for t in TARGETS:
        got, ours = file_hashes(previous / t), file_hashes(default_build.bundle(t))
        assert {rel: got[rel] for rel in ours} == ours  # packager's files: the build's own bytes
        assert set(got) == set(ours) | set(PLANTED)
        assert all((previous / t / rel).read_text() == text for rel, text in PLANTED.items())
    assert sorted(p.name for p in previous.iterdir()) == ["android", "ios", "report.html"]


def test_a_failed_install_leaves_the_old_bundles_and_the_developers_files(previous, monkeypatch):
    before = _snapshot(previous)
    real, swaps = install._swap_in, []

    def swap_in(staged, final):
        swaps.append(final.name)
        if final.name == "ios":  # android is already swapped in
            raise OSError(5, "Input/output error")
        return real(staged, final)

    monkeypatch.setattr(install, "_swap_in", swap_in)
    with pytest.raises(PackagerError, match="installing into .* failed .*the previous bundles are in place"):
        facebundle.build(BuildOptions(out=previous, quantize="int8"), Progress(quiet=True), Cache())
    assert swaps == ["android", "ios"]
    assert _snapshot(previous) == before
    assert sorted(p.name for p in previous.iterdir()) == ["android", "ios", "report.html"]
