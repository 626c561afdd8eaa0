"""The ONNX Runtime glue RUN on Linux: the two modules FaceEmotionCore and FaceEmotion (Swift 6
mode, warnings as errors) compiled as static libraries against a behavioural fake of ONNX
Runtime's Objective-C API (fakes/OnnxRuntimeFake.swift, module OnnxRuntimeBindings: the stand-in's
signatures, models registered by path, shapes of inputs and preallocated outputs checked as ONNX
Runtime checks them) and exercised by fakes/GlueChecks.swift, an executable that imports
FaceEmotion as an app does: named runs into memory made once, I/O names and shapes checked at
open, Core ML provider options and model cache, the hook, CPU fallback reported (requested and
in-use provider, reason) and logged, errors wrapped, the self-check, runs from many threads with
close() racing them, the pipeline's options. The real ONNX Runtime runs only on Apple platforms;
the fake proves the glue's own logic."""

from __future__ import annotations

import re
import subprocess

import swiftbuild
from packager import codegen
from packager.codegen import swift as swift_settings


def test_glue_runs_on_the_fake_onnx_runtime(tmp_path):
    mod = swiftbuild.fake_ort_library(tmp_path / "modules")
    codegen.write("swift", tmp_path / "src")
    lib = swiftbuild.emit_modules(tmp_path / "src", mod, library=True)
    assert lib.returncode == 0, lib.stderr[-6000:]
    exe = tmp_path / "glue-checks"
    build = subprocess.run([swiftbuild.swiftc(), "-swift-version", "6", "-I", str(mod), "-L", str(mod),
                            f"-l{swift_settings.PIPELINE}", f"-l{swift_settings.CORE}", f"-l{swiftbuild.ORT_MODULE}",
                            "-module-name", "GlueChecks", str(swiftbuild.FAKES / "GlueChecks.swift"), "-o", str(exe)],
                           capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stderr[-6000:]
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    passed = int(re.search(r"checks: (\d+) passed, 0 failed", run.stdout).group(1))
    assert passed >= 50, run.stdout
    # no unified log on Linux: the fallbacks went to standard error, one line each
    fallbacks = [line for line in run.stderr.splitlines() if "running on the CPU" in line]
    assert len(fallbacks) >= 3 and all(line.startswith("FaceEmotion: double.ort: CoreML unavailable") for line in fallbacks[:3]), run.stderr
