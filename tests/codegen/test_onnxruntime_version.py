"""One ONNX Runtime version per bundle (packager/ortversion.py): the Python pin, the constant, the
installed onnxruntime that writes the .ort files, the runtime library's Package.swift (exact:) and
build.gradle.kts, the runner templates and the docs name the same version; another one is a
user's explicit choice, never older than the writer.  The built bundles' manifests and package
files are checked by tests/export/test_build_bundle.py and tests/convert_any/test_convert_any.py
(``tests/runtime_versions.py``)."""

from __future__ import annotations

import contextlib
import io
import re
import tomllib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import onnxruntime
import pytest

from packager import codegen, layout, ortversion
from packager.codegen import kotlin, swift
from packager.export import bundle, modelbundle

ROOT = Path(__file__).resolve().parents[2]
VERSION = ortversion.ONNXRUNTIME_VERSION


def _run(*args: str) -> tuple[int, str, str]:
    """``packager ARGS`` in this process (so that a monkeypatch holds): (exit code, stdout, stderr)."""
    from packager import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_the_pin_the_constant_and_the_installed_onnxruntime_agree():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    [pin] = [d for d in deps if re.match(r"onnxruntime\b", d)]
    assert pin == f"onnxruntime=={VERSION}"
    assert onnxruntime.__version__ == ortversion.installed_version() == VERSION


def test_the_runtime_library_asks_for_exactly_that_version():
    assert swift.ort_package_version() == VERSION
    package = (codegen.RUNTIME / "ios" / swift.PIPELINE / swift.MANIFEST).read_text()
    assert re.search(rf'"{re.escape(swift.ONNXRUNTIME.package)}",\s*exact:\s*"{re.escape(VERSION)}"', package)
    gradle = (ROOT / "android_wrapper" / "build.gradle.kts").read_text()
    assert kotlin.ONNXRUNTIME.found(gradle) == [VERSION]
    assert (codegen.RUNTIME / "android" / "build.gradle.kts").read_text() == gradle


def _runner(lang: str, version: str) -> dict[str, str]:
    a = SimpleNamespace(role="tiny_model", sample_inputs={"x": np.zeros((1, 3), np.float32)},
                        sample_outputs={"y": np.zeros((1, 2), np.float32)})
    return codegen.render_runner(lang, layout.module_name(a.role), modelbundle.runner_context(a, version))


@pytest.mark.parametrize("lang", ["kotlin", "swift"])
def test_runner_packages_ask_for_the_version_and_only_it_changes(lang):
    pin = codegen.language(lang).onnxruntime
    default, other = _runner(lang, VERSION), _runner(lang, "1.30.0")
    [manifest] = [p for p in default if Path(p).name == pin.file]
    assert pin.found(default[manifest]) == [VERSION] and pin.found(other[manifest]) == ["1.30.0"]
    assert "exact:" in default[manifest] or lang == "kotlin"
    assert {p for p in default if default[p] != other[p]} == {manifest}
    assert default[manifest].replace(VERSION, "1.30.0") == other[manifest]


@pytest.mark.parametrize("lang", ["kotlin", "swift"])
def test_the_face_wrapper_is_pinned_the_same_way(lang, tmp_path):
    pin = codegen.language(lang).onnxruntime
    default = codegen.render(lang)
    other = codegen.pin_onnxruntime(lang, default, "1.30.0")
    [manifest] = [p for p in default if Path(p).name == pin.file and pin.found(default[p])]
    assert {p for p in default if default[p] != other[p]} == {manifest}
    assert pin.found(other[manifest]) == ["1.30.0"]
    assert codegen.pin_onnxruntime(lang, default, VERSION) == default


def test_the_docs_and_the_bundle_readmes_name_it():
    design = (ROOT / "docs" / "DESIGN.md").read_text()
    section = design.split("## ONNX Runtime version", 1)[1].split("\n## ", 1)[0]
    for words in (VERSION, "2026-02-25", "2026-02-19", "onnxruntime-swift-package-manager",
                  "com.microsoft.onnxruntime:onnxruntime-android", "pip index versions", "--onnxruntime-version",
                  "could not be run here"):
        assert words in section, words
    for target in layout.TARGETS.values():
        text = bundle.runtime_text(target, bundle.runtime_fields(target, VERSION))
        assert text.count(VERSION) == 2 and "--onnxruntime-version" not in text
        other = bundle.runtime_text(target, bundle.runtime_fields(target, "1.30.0"))
        assert "1.30.0" in other and "--onnxruntime-version" in other
    for readme in ("android_wrapper/README.md", "ios_wrapper/README.md"):
        text = (ROOT / readme).read_text()
        assert VERSION in text and "1.32" not in text, readme


@pytest.mark.parametrize("command", [["build"], ["convert", "model.onnx"]])
@pytest.mark.parametrize("version,message", [
    ("1.20.0", f"--onnxruntime-version 1.20.0 is older than onnxruntime {VERSION}, which writes the .ort files"),
    ("1.24", "give a version of three numbers"),
    ("latest", "give a version of three numbers"),
])
def test_an_older_or_malformed_version_is_refused_before_any_work(tmp_path, command, version, message):
    (tmp_path / "model.onnx").write_bytes(b"not read")
    code, out, err = _run(*command[:1], *[str(tmp_path / a) for a in command[1:]], "--out", str(tmp_path / "dist"),
                             "--onnxruntime-version", version, "--quiet")
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("command", [["build"], ["convert", "model.onnx"]])
def test_another_installed_onnxruntime_is_refused_unless_chosen(tmp_path, monkeypatch, command):
    """The pin moved (or another onnxruntime is installed): the .ort files would be written by a
    runtime other than the one the apps get."""
    monkeypatch.setattr(ortversion, "ONNXRUNTIME_VERSION", "1.99.0")
    (tmp_path / "model.onnx").write_bytes(b"not read")
    args = [*command[:1], *[str(tmp_path / a) for a in command[1:]], "--out", str(tmp_path / "dist"), "--quiet"]
    code, out, err = _run(*args)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert f"onnxruntime {VERSION} is installed, but the bundles' apps use ONNX Runtime 1.99.0" in err
    assert ortversion.runtime_version("1.99.0") == "1.99.0"  # chosen: the writer is older, so allowed
    assert ortversion.runtime_version(VERSION) == VERSION


def test_the_help_states_the_rule():
    from packager import cli

    for command in ("build", "convert"):
        text = " ".join(cli.parser()._subparsers._group_actions[0].choices[command].format_help().split())
        for words in ("--onnxruntime-version X", f"default: {VERSION}", "must not be older than the installed onnxruntime",
                      "an older runtime is not promised to load a newer .ort",
                      "onnxruntime-swift-package-manager", "com.microsoft.onnxruntime:onnxruntime-android",
                      "your responsibility"):
            assert words in text, (command, words)
