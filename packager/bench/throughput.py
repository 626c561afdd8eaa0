"""Throughput mode as a user runs it: ``packager run DIR`` on one worker and on one per core."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from packager.bench.table import MEASURED, NOT_AVAILABLE, Row
from packager.timing import Stats

SECTION = "throughput"
TITLE = "Throughput mode: packager run DIR (wall time per image, decode included; one run each)"
#: Copies of the bench images in the folder: enough that worker start-up is a small share.
COPIES = 96


def rows(paths: list[str], workdir: Path, progress) -> list[Row]:
    folder = workdir / "throughput"
    folder.mkdir()
    for i in range(COPIES):
        src = Path(paths[i % len(paths)])
        shutil.copyfile(src, folder / f"{i:04d}{src.suffix.lower()}")
    cores = os.cpu_count() or 1
    out = []
    for workers in sorted({1, cores}):
        key, name = f"throughput-{workers}", f"packager run DIR, {workers} worker{'s' * (workers != 1)}"
        with progress.stage(name):
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "packager", "run", str(folder), "--json", "--quiet",
                                   "--workers", str(workers)], capture_output=True, text=True, timeout=1800)
            took = time.perf_counter() - start
        if proc.returncode != 0:
            lines = [l for l in proc.stderr.splitlines() if l.strip()] or ["no output"]
            out.append(Row.unavailable(SECTION, key, name, NOT_AVAILABLE, f"not available: failed: {lines[-1]}"))
            continue
        t = json.loads(proc.stdout)["throughput"]
        ms = 1000.0 * t["seconds"] / t["images"]
        out.append(Row(SECTION, key, name, MEASURED, Stats(ms, None, t["images"]),
                       None if workers == 1 else "throughput-1", faces=t["faces"],
                       note=f"{t['images_per_second']:.1f} images/s over {t['images']} images "
                            f"(process wall time with start-up: {took:.2f} s)"))
    return out
