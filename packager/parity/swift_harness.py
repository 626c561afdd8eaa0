"""Compile the Swift core (``codegen.render("swift")``: the runtime library + the generated
``Recipes.swift``) with its parity harness and run it (``packager parity --lang swift``), and
time it (``benchmark``, ``python -m packager.parity.swift_harness --bench``).

The pure core's Swift package ``ios_wrapper/FaceEmotionCore/`` (no dependency: it builds offline)
is staged into the cache with the wrapper's sources as codegen writes them (so a template change is
always what gets checked, and nothing is written into the source tree), under
``<cache>/swift/<content hash>/``: ``package/`` holds the sources, ``build/`` is SwiftPM's scratch
path.  A second run with the same sources reuses the build.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


from packager import codegen
from packager.cache import cache_dir
from packager.codegen import swift as swift_settings
from packager.errors import PackagerError
from packager.parity import cases
from packager.parity import harness_bench
from packager.parity.harness_bench import BENCH_SIZES, STAGES

#: The repository's Swift packages (``ios_wrapper/``: FaceEmotionCore, FaceEmotion, the sample app).
WRAPPER = Path(__file__).resolve().parents[2] / "ios_wrapper"
#: The pure core's package, with the parity harness and the tests: what CI builds and runs.
PACKAGE = WRAPPER / swift_settings.CORE
HARNESS = "ParityHarness"
#: Staged packages kept in the cache (older ones are removed).
KEEP_STAGED = 3
#: SwiftPM's own folders inside a package (not staged).
_SKIP_DIRS = {".build", ".swiftpm"}


def swift() -> str:
    """The ``swift`` driver: on PATH, else the toolchain at /opt/swift."""
    found = shutil.which("swift") or ("/opt/swift/usr/bin/swift" if os.path.exists("/opt/swift/usr/bin/swift") else None)
    if found is None:
        raise PackagerError("the Swift toolchain is not installed (no `swift` on PATH); install Swift 6 to check the Swift core")
    return found


def package_files() -> dict[str, bytes]:
    """Every file of the core's Swift package as it should be built: ``ios_wrapper/FaceEmotionCore/``
    minus build folders, with the core's sources as ``codegen.render`` gives them."""
    files = {}
    for path in sorted(PACKAGE.rglob("*")):
        rel = path.relative_to(PACKAGE)
        if path.is_file() and not (_SKIP_DIRS & set(rel.parts)):
            files[rel.as_posix()] = path.read_bytes()
    prefix = swift_settings.CORE + "/"
    for rel, text in codegen.render("swift").items():
        if rel.startswith(prefix):
            files[rel[len(prefix):]] = text.encode()
    return dict(sorted(files.items()))


def staged_package() -> Path:
    """The cache folder holding ``package/`` (the staged sources) and ``build/``."""
    files = package_files()
    h = hashlib.sha256()
    for rel, data in files.items():
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    root = cache_dir() / "swift" / h.hexdigest()[:20]
    with _locked(root):
        marker = root / "staged"
        if not marker.is_file():
            pkg = root / "package"
            if pkg.exists():
                shutil.rmtree(pkg)
            for rel, data in files.items():
                (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
                (pkg / rel).write_bytes(data)
            marker.write_text("ok\n")
        os.utime(root)
    _prune(root.parent, keep=KEEP_STAGED)
    return root


@contextlib.contextmanager
def _locked(root: Path):
    """An exclusive lock on one staged folder (two test sessions may build at once)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _prune(parent: Path, keep: int) -> None:
    entries = sorted((p for p in parent.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[keep:]:
        shutil.rmtree(old, ignore_errors=True)


def swift_command(root: Path, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    """``swift <args> --package-path <root>/package --scratch-path <root>/build``; a failure raises
    PackagerError with the compiler's output.  The core package depends on nothing: nothing is
    fetched and no flag switches anything off."""
    cmd = [swift(), *args, "--package-path", str(root / "package"), "--scratch-path", str(root / "build")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise PackagerError(f"`swift {' '.join(args)}` failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}")
    return proc


def build(configuration: str = "debug") -> Path:
    """Build the parity harness (``debug`` or ``release``); returns the executable."""
    root = staged_package()
    with _locked(root):
        swift_command(root, "build", "-c", configuration, "--product", HARNESS)
        bin_dir = swift_command(root, "build", "-c", configuration, "--show-bin-path").stdout.strip()
    exe = Path(bin_dir) / HARNESS
    if not exe.is_file():
        raise PackagerError(f"swift build did not produce {exe}")
    return exe


def run_harness(cases_root: Path, out_root: Path) -> None:
    """Run the compiled Swift core over every case folder under ``cases_root``; write its
    results into ``out_root/<case>/`` (format: packager.parity)."""
    exe = build("debug")
    Path(out_root).mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([str(exe), str(cases_root), str(out_root)], capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        raise PackagerError(f"the Swift parity harness failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")


def resample(image, jobs: list[dict]) -> list:
    """The generated resampler alone (harness ``--resample`` mode, ``RGBAImage.resampled``):
    ``image`` H×W×3 uint8, each job ``{"rect": (x0, y0, x1, y1), "out": (w, h), "method": ...,
    "fill": f}``.  Returns per job the H×W×3 float64 values, or None where the core refused
    (a PackagerError).  Coordinates travel as ``repr`` strings: exact, NaN and ±inf included."""
    exe = build("debug")
    with tempfile.TemporaryDirectory(prefix="packager-swift-resample-") as tmp:
        # NaN and ±inf are no JSON numbers for Foundation's reader: the values go as exact text
        job_file = cases.write_resample_jobs(Path(tmp), image, jobs, numbers_as_text=True)
        proc = subprocess.run([str(exe), "--resample", str(job_file), str(Path(tmp) / "out")],
                              capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            raise PackagerError(f"the Swift resample run failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
        return cases.read_resampled(Path(tmp) / "out", jobs)


def sequence(job_file: Path) -> list[dict]:
    """The core's ``FaceTracker`` on a sequence job (harness ``--sequence`` mode,
    ``packager.parity.sequences``): per frame its tracks, smoothed probabilities and labels."""
    exe = build("debug")
    with tempfile.TemporaryDirectory(prefix="packager-swift-sequence-") as tmp:
        out = Path(tmp) / "out.json"
        proc = subprocess.run([str(exe), "--sequence", str(job_file), str(out)], capture_output=True, text=True,
                              timeout=1800)
        if proc.returncode != 0:
            raise PackagerError(f"the Swift sequence run failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
        return json.loads(out.read_text())["frames"]


def npy_check(files: dict[str, bytes]) -> tuple[dict, dict[str, bytes]]:
    """The Swift ``Npy`` reader/writer and ``scaledDiff`` on .npy files (harness ``--npy``
    mode): ``files`` maps file names to bytes; each ``<name>.actual.npy`` /
    ``<name>.expected.npy`` pair is compared.  Returns the harness's results
    (``{"files": {file: {"shape": [...]} | {"error": msg}}, "pairs": {name: {"scaled_diff": x}
    | {"error": msg}}}``) and the bytes Swift wrote back for every file it read."""
    exe = build("debug")
    with tempfile.TemporaryDirectory(prefix="packager-swift-npy-") as tmp:
        src, out = Path(tmp) / "in", Path(tmp) / "out"
        src.mkdir()
        for name, data in files.items():
            (src / name).write_bytes(data)
        proc = subprocess.run([str(exe), "--npy", str(src), str(out)], capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise PackagerError(f"the Swift .npy check failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
        results = json.loads((out / "results.json").read_text())
        written = {p.name: p.read_bytes() for p in out.glob("*.npy")}
    return results, written


def benchmark(repeats: int = 30, pipe=None, threads: int = harness_bench.BENCH_THREADS) -> dict:
    """Swift pre- plus post-processing per frame (release build) against the reference
    pipeline's model inference on the same frame's faces, timed right before and after the
    harness runs that frame with the floor's session settings, at each of ``BENCH_SIZES``
    (``harness_bench.benchmark``: the protocol both harnesses share, the same frames as Kotlin's).

    Returns ``{"repeats": n, "warmup": w, "processes": p, "sizes": {"640x480": {"width", "height",
    "faces", "swift_pre_post_ms", "swift_pre_post_runs_ms", "reference_inference_ms", "inference_before_ms", "inference_after_ms", "ratio", "reference_pre_post_ms",
    "swift_detector_pre_ms", "swift_detector_post_ms", "swift_emotion_pre_ms",
    "swift_emotion_post_ms", "swift_alloc_bytes_per_frame" (None: no counter)}, ...}}``: medians
    over ``repeats`` frames in each of ``harness_bench.PROCESSES`` fresh processes, the median of theirs;
    ratio = swift_pre_post_ms / reference_inference_ms (below 1: pre+post
    costs less than the models it surrounds).
    """
    return harness_bench.benchmark("swift", _run_bench, repeats, pipe, threads)


def _run_bench(cases_root: Path, warmup: int, repeats: int, out: Path) -> None:
    exe = build("release")
    proc = subprocess.run([str(exe), "--bench", str(cases_root), str(warmup), str(repeats), str(out)],
                          capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        raise PackagerError(f"the Swift benchmark failed:\n{proc.stderr[-4000:]}")


if __name__ == "__main__":
    sys.exit(harness_bench.bench_main("swift", sys.modules[__name__]))
