"""A rebuild into a previous bundle folder keeps what packager did not write there (an app
developer's build/, .gradle/, local.properties, .build/, .swiftpm/, at any depth), also when the
install fails; what packager wrote (the previous manifest's files) is replaced.  Bundles here are
made by hand with real manifests (``packager.export.manifest``); the command-line rebuilds are in
tests/export/test_build_keeps_foreign.py and tests/hostile/test_hostile_convert.py."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from packager.errors import PackagerError
from packager.export import install, manifest

OLD = {"manifest.json": None, "build.gradle.kts": "old gradle", "src/main/kotlin/dev/packager/face/A.kt": "old A",
       "src/main/assets/m.ort": "old model", "FaceEmotion/Package.swift": "old package",
       "FaceEmotion/Sources/FaceEmotion/B.swift": "old B", "samples/m.npy": "old sample"}
NEW = {"build.gradle.kts": "new gradle", "src/main/kotlin/dev/packager/face/A.kt": "new A",
       "src/main/assets/m.ort": "new model", "FaceEmotion/Package.swift": "new package",
       "FaceEmotion/Sources/FaceEmotion/B.swift": "new B", "README.md": "new readme"}
#: What an app developer leaves in a bundle folder: Gradle's and SwiftPM's own folders and files,
#: at the root and deeper, and a file of their own inside packager's folders.
FOREIGN = {"local.properties": "sdk.dir=/opt/android", "build/intermediates/x/classes.jar": "jar",
           ".gradle/8.7/checksums/checksums.lock": "lock", "FaceEmotion/.build/debug.yaml": "swiftpm",
           "FaceEmotion/.swiftpm/xcode/package.xcworkspace/contents.xcworkspacedata": "xcode",
           ".swiftpm/configuration/mirrors.json": "{}", "src/main/kotlin/dev/packager/face/Mine.kt": "mine",
           "src/main/assets/extra.bin": "extra"}


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def _bundle(root: Path, files: dict[str, str], models=("m",)) -> Path:
    """A bundle folder as packager leaves one: the files and a manifest listing them."""
    _write(root, {rel: text for rel, text in files.items() if rel != "manifest.json"})
    m = {"models": {name: {} for name in models}, "files": manifest.file_hashes(root)}
    (root / "manifest.json").write_bytes(manifest.dumps(m))
    return root


def _tree(root: Path) -> dict[str, str]:
    """Relative path → sha256 of every file (of its target's name for a link)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(os.readlink(p).encode() if p.is_symlink() else p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() or p.is_symlink()}


def _dirs(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


@pytest.fixture
def out(tmp_path) -> Path:
    """``out/android`` holds a previous bundle with the developer's files in it; ``out/ios`` too."""
    for name in ("android", "ios"):
        _bundle(tmp_path / name, OLD)
        _write(tmp_path / name, FOREIGN)
        (tmp_path / name / ".swiftpm" / "empty").mkdir()
        os.symlink("../elsewhere", tmp_path / name / "FaceEmotion" / "link")
    return tmp_path


def _stage(out: Path, names=("android", "ios")) -> dict[str, Path]:
    staged = {}
    for name in names:
        staged[name] = install.staging_dir(out, name)
        _bundle(staged[name], NEW)
    return staged


def test_foreign_lists_the_top_most_entries_packager_did_not_write(out):
    assert install.foreign(out / "android", manifest.written(out / "android")) == sorted([
        ".gradle", ".swiftpm", "FaceEmotion/.build", "FaceEmotion/.swiftpm", "FaceEmotion/link", "build",
        "local.properties", "src/main/assets/extra.bin", "src/main/kotlin/dev/packager/face/Mine.kt"])


def test_a_rebuild_keeps_every_foreign_entry_and_replaces_packagers_files(out):
    staged = _stage(out)
    new_files = {name: _tree(p) for name, p in staged.items()}
    install.install(staged, out, manifest.written)
    for name in ("android", "ios"):
        bundle = out / name
        got = _tree(bundle)
        for rel, text in FOREIGN.items():
            assert (bundle / rel).read_text() == text, rel
        assert (bundle / ".swiftpm" / "empty").is_dir()
        assert os.readlink(bundle / "FaceEmotion" / "link") == "../elsewhere"
        assert {rel: got[rel] for rel in new_files[name]} == new_files[name]  # packager's files are the new ones
        assert not (bundle / "samples").exists()  # written by the old build only: gone
        assert set(got) == set(new_files[name]) | set(FOREIGN) | {"FaceEmotion/link"}
        assert manifest.problems(bundle) == [f"not in manifest: {rel}" for rel in sorted(FOREIGN)]
        # the next rebuild tells them apart again: the new manifest lists packager's files only
        assert set(install.foreign(bundle, manifest.written(bundle))) >= {"local.properties", "build", ".swiftpm"}
    assert _leftovers(out) == []


@pytest.mark.parametrize("fail_at", ["first swap", "second swap", "a move"])
def test_a_failed_install_leaves_the_old_bundles_and_the_foreign_files(out, monkeypatch, fail_at):
    before = {name: _tree(out / name) for name in ("android", "ios")}
    dirs = {name: _dirs(out / name) for name in ("android", "ios")}
    staged = _stage(out)
    if fail_at == "a move":
        real_rename, calls = os.rename, []

        def rename(src, dest):
            calls.append(src)
            if len(calls) == 5:  # a few developer entries moved already
                raise OSError(18, "Invalid cross-device link")
            return real_rename(src, dest)

        monkeypatch.setattr(install.os, "rename", rename)
    else:
        real_swap, swaps = install._swap_in, []

        def swap_in(staged_path, final):
            swaps.append(final)
            if len(swaps) == (1 if fail_at == "first swap" else 2):
                raise OSError(5, "Input/output error")
            return real_swap(staged_path, final)

        monkeypatch.setattr(install, "_swap_in", swap_in)
    with pytest.raises(OSError):
        install.install(staged, out, manifest.written)
    monkeypatch.undo()
    for name in ("android", "ios"):
        assert _tree(out / name) == before[name]
        assert _dirs(out / name) == dirs[name]
        assert os.readlink(out / name / "FaceEmotion" / "link") == "../elsewhere"
    install.discard(p for p in staged.values() if p.exists())
    assert _leftovers(out) == []


def test_an_entry_the_new_bundle_also_writes_is_refused_before_anything_moves(out):
    before = {name: _tree(out / name) for name in ("android", "ios")}
    _write(out / "ios", {"README.md": "my notes"})  # the new bundle writes README.md
    before["ios"] = _tree(out / "ios")
    staged = _stage(out)
    with pytest.raises(PackagerError, match=r"ios/README.md was not written by packager, but the new bundle writes it"):
        install.install(staged, out, manifest.written)
    assert {name: _tree(out / name) for name in ("android", "ios")} == before
    install.discard(staged.values())


def test_a_folder_where_packager_wrote_a_file_is_the_developers(out):
    (out / "android" / "build.gradle.kts").unlink()
    _write(out / "android", {"build.gradle.kts/inside.txt": "mine"})
    assert "build.gradle.kts" in install.foreign(out / "android", manifest.written(out / "android"))
    with pytest.raises(PackagerError, match="build.gradle.kts was not written by packager"):
        install.install(_stage(out, ("android",)), out, manifest.written)
    assert (out / "android" / "build.gradle.kts" / "inside.txt").read_text() == "mine"


@pytest.mark.parametrize("text", ["", "not json", '{"files": {}}', '["files"]', '{"models": {}, "files": []}'])
def test_a_manifest_that_does_not_say_what_packager_wrote_is_refused(tmp_path, text):
    (tmp_path / "android").mkdir()
    (tmp_path / "android" / "manifest.json").write_text(text)
    with pytest.raises(PackagerError, match="cannot be read, so packager cannot tell the files it wrote"):
        manifest.written(tmp_path / "android")


def test_build_does_not_replace_another_models_bundle(tmp_path):
    """``packager build`` into an --out whose android folder is a ``convert`` bundle of another
    model: refused before any work, naming that model."""
    from packager_cli import one_line_error, packager

    bundle = _bundle(tmp_path / "dist" / "android", {"src/main/assets/tiny.ort": "model"}, models=("tiny",))
    before = _tree(bundle)
    one_line_error(packager("build", "--out", tmp_path / "dist", "--target", "android"),
                   f"{bundle} holds the bundle of model tiny", "refusing to replace it with models face_detection, "
                   "face_emotion_recognition (choose another --out)")
    assert _tree(bundle) == before and _leftovers(tmp_path / "dist") == []
