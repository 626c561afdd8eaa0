"""The Kotlin side of parity: compile the core with the JVM harness, run it.

The core (``codegen.render("kotlin")``: the runtime library + the generated ``Recipes.kt``,
minus the Android-only files) and the hand-written harness (``android_wrapper/harness/*.kt``)
are compiled in one K2JVMCompiler run with the Kotlin compiler that the PyPI package
``kotlin-jupyter-kernel`` ships.  Compiled classes are cached under
``<packager cache>/kotlin/<sha256 of the sources and compiler>``, so a second
``packager parity`` starts at once.

Harness modes (``android_wrapper/harness/Main.kt``): ``parity`` (case folders, see
``packager.parity``), ``fuzz``, ``bench``, ``resample``, ``selfcheck`` and ``composite``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


from packager import codegen
from packager.cache import cache_dir
from packager.codegen import kotlin as kotlin_settings
from packager.errors import PackagerError
from packager.parity import cases
from packager.parity import harness_bench
from packager.parity.harness_bench import BENCH_SIZES

HARNESS_DIR = Path(__file__).resolve().parents[2] / "android_wrapper" / "harness"
MAIN_CLASS = "dev.packager.face.harness.MainKt"
#: The compiler runs for about a minute on 2 cores; a run past this is stuck.
COMPILE_TIMEOUT = 900
#: Compiled versions kept in the cache (one per source hash; older ones are removed).
KEEP_COMPILED = 3


def toolchain() -> tuple[str, Path, Path]:
    """(java executable, Kotlin compiler jar, Kotlin stdlib jar); PackagerError when missing."""
    java = shutil.which("java")
    if java is None:
        raise PackagerError("java not found; install a JDK (17 or newer) to compile the Kotlin core")
    spec = importlib.util.find_spec("run_kotlin_kernel")
    if spec is None or not spec.submodule_search_locations:
        raise PackagerError("the Kotlin compiler is missing: pip install kotlin-jupyter-kernel==0.19.0.944")
    jars = Path(list(spec.submodule_search_locations)[0]) / "jars"
    compiler = sorted(jars.glob("kotlin-jupyter-kernel-*-all.jar"))
    stdlib = sorted(jars.glob("kotlin-stdlib-*.jar"))
    if not compiler or not stdlib:
        raise PackagerError(f"no Kotlin compiler or stdlib jar in {jars}; reinstall kotlin-jupyter-kernel")
    return java, compiler[-1], stdlib[-1]


def sources() -> dict[str, str]:
    """Every file of the JVM compile: ``core/<name>.kt`` (fresh render) and ``harness/<name>.kt``."""
    out = {}
    for path, text in codegen.render("kotlin").items():
        if kotlin_settings.is_core(path):
            out["core/" + path.rsplit("/", 1)[-1]] = text
    for f in sorted(HARNESS_DIR.glob("*.kt")):
        out["harness/" + f.name] = f.read_text()
    return out


def _digest(files: dict[str, str], compiler: Path) -> str:
    h = hashlib.sha256(compiler.name.encode())
    for name, text in sorted(files.items()):
        h.update(f"\0{name}\0{len(text)}\0".encode())
        h.update(text.encode())
    return h.hexdigest()[:20]


def compile_harness(cache: Path | None = None) -> Path:
    """Compile core + harness (or take them from the cache); returns the classes folder."""
    java, compiler, stdlib = toolchain()
    files = sources()
    root = Path(cache or cache_dir()) / "kotlin" / _digest(files, compiler)
    classes = root / "classes"
    if (root / "complete").is_file():
        return classes
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix="build-") as tmp:
        src = Path(tmp) / "src"
        for name, text in files.items():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_text(text)
        out = Path(tmp) / "classes"
        cmd = [java, "-Xss8m", "-cp", str(compiler), "org.jetbrains.kotlin.cli.jvm.K2JVMCompiler",
               "-no-stdlib", "-no-reflect", "-classpath", str(stdlib), "-jvm-target", "17",
               *sorted(str(src / n) for n in files), "-d", str(out)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=COMPILE_TIMEOUT)
        if done.returncode != 0:
            raise PackagerError(f"the Kotlin core does not compile:\n{done.stdout}{done.stderr}")
        try:
            os.replace(out, classes)
        except OSError:  # compiled concurrently by another process: same sources, same classes
            if not classes.is_dir():
                raise
        (root / "complete").write_text(done.stderr)
    _prune(root.parent, keep=root)
    return classes


def _prune(folder: Path, keep: Path, entries: int = KEEP_COMPILED) -> None:
    """Remove all but the ``entries`` most recent compiled entries (never ``keep``)."""
    old = sorted((p for p in folder.iterdir() if p.is_dir() and p != keep), key=lambda p: p.stat().st_mtime, reverse=True)
    for p in old[entries - 1:]:
        shutil.rmtree(p, ignore_errors=True)


def run(mode: str, *args: str, cache: Path | None = None, timeout: float = 1800) -> subprocess.CompletedProcess:
    """Run the harness in ``mode`` (``parity``, ``fuzz``, ``bench``) with ``args``."""
    java, _, stdlib = toolchain()
    classes = compile_harness(cache)
    cmd = [java, "-cp", f"{classes}{os.pathsep}{stdlib}", MAIN_CLASS, mode, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def run_harness(cases_root: Path, out_root: Path) -> None:
    """Run the compiled core over every case folder under ``cases_root`` into
    ``out_root/<case>/`` (``packager.parity`` format).  A case the core throws on gets an
    ``error.txt`` (and is reported by ``compare.compare_case`` as missing output); the messages
    go to stderr.  PackagerError when the harness cannot run at all."""
    Path(out_root).mkdir(parents=True, exist_ok=True)
    done = run("parity", str(cases_root), str(out_root))
    if done.returncode not in (0, 1):
        raise PackagerError(f"the Kotlin harness failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    if done.stderr:
        sys.stderr.write(done.stderr)


def fuzz(seed: int = 20240601, iterations: int = 5000) -> dict:
    """Random images, boxes and model outputs through the compiled core (harness ``fuzz`` mode);
    returns its summary: ``calls`` and ``rejected`` (a PackagerException) per stage,
    ``faces`` decoded, ``unexpected`` (any other exception or a broken invariant)."""
    with tempfile.TemporaryDirectory(prefix="packager-fuzz-") as tmp:
        out = Path(tmp) / "fuzz.json"
        done = run("fuzz", str(seed), str(iterations), str(out))
        if done.returncode not in (0, 1) or not out.is_file():
            raise PackagerError(f"the Kotlin fuzz run failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
        return json.loads(out.read_text())


def resample(image, jobs: list[dict]) -> list:
    """The generated resampler alone (harness ``resample`` mode): ``image`` H×W×3 uint8, each job
    ``{"rect": (x0, y0, x1, y1), "out": (w, h), "method": ..., "fill": f}``.  Returns per job the
    H×W×3 float64 values, or None where the core refused (a PackagerException)."""
    with tempfile.TemporaryDirectory(prefix="packager-kotlin-resample-") as tmp:
        job_file = cases.write_resample_jobs(Path(tmp), image, jobs, numbers_as_text=False)
        done = run("resample", str(job_file), str(Path(tmp) / "out"))
        if done.returncode != 0:
            raise PackagerError(f"the Kotlin resample run failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
        return cases.read_resampled(Path(tmp) / "out", jobs)


def sequence(job_file: Path) -> list[dict]:
    """The core's ``FaceTracker`` on a sequence job (harness ``sequence`` mode,
    ``packager.parity.sequences``): per frame its tracks, smoothed probabilities and labels."""
    with tempfile.TemporaryDirectory(prefix="packager-kotlin-sequence-") as tmp:
        out = Path(tmp) / "out.json"
        done = run("sequence", str(job_file), str(out))
        if done.returncode != 0:
            raise PackagerError(f"the Kotlin sequence run failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
        return json.loads(out.read_text())["frames"]


def composite_over_black(argb):
    """``compositeOverBlack`` (what the Bitmap adapters apply to pixels with alpha) on ``argb``, a
    uint32 array of 0xAARRGGBB values (harness ``composite`` mode); returns the composited array."""
    import numpy as np

    with tempfile.TemporaryDirectory(prefix="packager-kotlin-alpha-") as tmp:
        src, dst = Path(tmp) / "in.bin", Path(tmp) / "out.bin"
        src.write_bytes(np.asarray(argb, "<u4").tobytes())
        done = run("composite", str(src), str(dst))
        if done.returncode != 0:
            raise PackagerError(f"the Kotlin composite run failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
        return np.frombuffer(dst.read_bytes(), "<u4").reshape(np.shape(argb))


def self_checks(jobs: dict, out_dir: Path) -> dict:
    """The self-check core (harness ``selfcheck`` mode, ``android_wrapper/harness/SelfChecks.kt``)
    on ``jobs`` (``{"npy": [paths], "diff": [[actual, expected]], "signature": [...], "files":
    [[model, output]]}``); returns its ``result.json`` (per job, and ``specs``: every recipe's
    model inputs and outputs as the wrappers declare them). Files read without error are written
    back as ``out_dir/npy<i>.npy``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    job_file = out_dir / "jobs.json"
    job_file.write_text(json.dumps(jobs))
    done = run("selfcheck", str(job_file), str(out_dir))
    if done.returncode != 0:
        raise PackagerError(f"the Kotlin selfcheck run failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return json.loads((out_dir / "result.json").read_text())


def benchmark(repeats: int = 30, pipe=None, threads: int = harness_bench.BENCH_THREADS) -> dict:
    """Kotlin pre- plus post-processing per frame (JIT-warm JVM) against the reference
    pipeline's model inference on the same frame's faces, timed right before and after the
    harness runs that frame with the floor's session settings, at each of ``BENCH_SIZES``
    (``harness_bench.benchmark``: the protocol both harnesses share).

    Returns ``{"repeats": n, "warmup": w, "processes": p, "sizes": {"640x480": {"width", "height",
    "faces", "kotlin_pre_post_ms", "kotlin_pre_post_runs_ms", "reference_inference_ms", "inference_before_ms", "inference_after_ms", "ratio", "reference_pre_post_ms",
    "kotlin_detector_pre_ms", "kotlin_detector_post_ms", "kotlin_emotion_pre_ms",
    "kotlin_emotion_post_ms", "kotlin_alloc_bytes_per_frame"}, ...}}``: medians over ``repeats``
    frames in each of ``harness_bench.PROCESSES`` fresh processes, the median of theirs;
    ratio = kotlin_pre_post_ms / reference_inference_ms (below 1: pre+post costs less than
    the models it surrounds); kotlin_alloc_bytes_per_frame = heap bytes the benchmark thread
    allocated per timed frame (HotSpot's per-thread counter, after the warm-up).
    """
    return harness_bench.benchmark("kotlin", _run_bench, repeats, pipe, threads)


def _run_bench(cases_root: Path, warmup: int, repeats: int, out: Path) -> None:
    done = run("bench", str(cases_root), str(warmup), str(repeats), str(out))
    if done.returncode != 0:
        raise PackagerError(f"the Kotlin benchmark failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")


if __name__ == "__main__":
    sys.exit(harness_bench.bench_main("kotlin", sys.modules[__name__]))
