"""The ONNX Runtime glue RUN on Linux: ModelSession and FaceEmotionPipeline compiled (Swift 6
mode, trait ONNXRuntime) against a behavioural fake of ONNX Runtime's Objective-C API
(fakes/OnnxRuntimeFake.swift: the stand-in's signatures, models registered by path, shapes of
inputs and preallocated outputs checked as ONNX Runtime checks them) and exercised by
fakes/GlueChecks.swift: named runs into memory made once, I/O names and shapes checked at open,
Core ML provider options and model cache, the hook, CPU fallback reported and logged, errors
wrapped, the self-check, runs from many threads with close() racing them, the pipeline's
options. The real ONNX Runtime runs only on Apple platforms; the fake proves the glue's own
logic."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from packager import codegen
from packager.parity import swift

FAKES = Path(__file__).parent / "fakes"


def test_glue_runs_on_the_fake_onnx_runtime(tmp_path):
    swiftc = str(Path(swift.swift()).with_name("swiftc"))
    mod = tmp_path / "modules"
    mod.mkdir()
    subprocess.run([swiftc, "-parse-as-library", "-emit-library", "-static", "-module-name", "OnnxRuntimeBindings",
                    "-emit-module", "-emit-module-path", str(mod / "OnnxRuntimeBindings.swiftmodule"),
                    "-o", str(mod / "libOnnxRuntimeBindings.a"), str(FAKES / "OnnxRuntimeFake.swift")],
                   check=True, capture_output=True, timeout=600)
    sources = [f for f in codegen.write("swift", tmp_path / "src") if Path(f).name != "Package.swift"]
    main = tmp_path / "main.swift"
    shutil.copy(FAKES / "GlueChecks.swift", main)
    exe = tmp_path / "glue-checks"
    build = subprocess.run([swiftc, "-swift-version", "6", "-D", "ONNXRuntime", "-I", str(mod), "-L", str(mod),
                            "-lOnnxRuntimeBindings", "-module-name", "FaceEmotion", *map(str, sources), str(main),
                            "-o", str(exe)], capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stderr[-6000:]
    warnings = [line for line in build.stderr.splitlines() if "warning:" in line and "/src/" in line]
    assert not warnings, "\n".join(warnings)
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    passed = int(re.search(r"checks: (\d+) passed, 0 failed", run.stdout).group(1))
    assert passed >= 50, run.stdout
    # no unified log on Linux: the fallbacks went to standard error, one line each
    fallbacks = [line for line in run.stderr.splitlines() if "running on the CPU" in line]
    assert len(fallbacks) >= 3 and all(line.startswith("FaceEmotion: double.ort: CoreML unavailable") for line in fallbacks[:3]), run.stderr
