"""Timing: warm per-call latencies measured round-robin, and cold starts in fresh processes.

Warm timings interleave the contenders — call 1 of every contender, then call 2 of every
contender, … — so that load from other processes on a shared machine hits all of them alike and
their *ratios* stay meaningful even when the absolute numbers move.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Stats:
    """Latency summary in milliseconds.

    Attributes:
        median, p90: 50th and 90th percentile (numpy's linear interpolation); p90 is None when
            only a median was reported (a harness that prints medians).
        n: number of timed calls.
    """

    median: float
    p90: float | None
    n: int

    @classmethod
    def of(cls, seconds) -> "Stats":
        ms = np.asarray(seconds, dtype=np.float64) * 1e3
        return cls(float(np.median(ms)), float(np.percentile(ms, 90)), int(ms.size))

    def scaled(self, factor: float) -> "Stats":
        """Per-item numbers when each timed call handled ``1 / factor`` items."""
        return Stats(self.median * factor, None if self.p90 is None else self.p90 * factor, self.n)


def samples(fn: Callable[[], object], repeats: int, warmup: int = 3, clock=time.perf_counter) -> list[float]:
    """Seconds of each of ``repeats`` calls of ``fn`` after ``warmup`` untimed ones (one
    contender: what ``interleaved`` does for several), by ``clock`` (``time.thread_time``: the
    calling thread's CPU time, which other processes do not lengthen)."""
    return interleaved_samples({"fn": fn}, repeats, warmup, clock)["fn"]


def interleaved(contenders: dict[str, Callable[[], object]], repeats: int, warmup: int = 3) -> dict[str, Stats]:
    """Time every contender ``repeats`` times, round-robin, after ``warmup`` untimed rounds."""
    return {name: Stats.of(t) for name, t in interleaved_samples(contenders, repeats, warmup).items()}


def interleaved_samples(contenders: dict[str, Callable[[], object]], repeats: int, warmup: int = 3,
                        clock=time.perf_counter) -> dict[str, list[float]]:
    """``interleaved``'s seconds per call, per contender, by ``clock``."""
    for _ in range(warmup):
        for fn in contenders.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            start = clock()
            fn()
            times[name].append(clock() - start)
    return times


class ColdStartError(RuntimeError):
    """A cold-start process failed; the message carries its last stderr line."""


def cold_start(args: list[str], repeats: int, env: dict | None = None, timeout: float = 300.0) -> Stats:
    """Wall time from spawning ``python ARGS…`` until it prints its first line on stdout.

    The program must print a line once it has its first result.  Each repeat is a fresh
    interpreter (nothing imported; the OS file cache is warm).
    """
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})},
        )
        try:
            first = proc.stdout.readline()
            took = time.perf_counter() - start
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise ColdStartError(f"timed out after {timeout:.0f} s") from None
        if proc.returncode != 0 or not first.strip():
            tail = [l for l in err.strip().splitlines() if l.strip()][-1:] or [f"exit code {proc.returncode}"]
            raise ColdStartError(tail[0])
        seconds.append(took)
    return Stats.of(seconds)
