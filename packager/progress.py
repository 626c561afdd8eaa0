"""Progress lines on stderr for a person at a terminal: each stage with its time.

On a terminal a stage shows ``name…`` while it runs; on failure that line is erased so the
error stays the only line.  Elsewhere (logs, pipes) only finished stages are printed.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

from packager import interrupts


class Progress:
    """Prints ``stage… done (1.2 s)`` lines to stderr; silent when ``quiet``."""

    def __init__(self, quiet: bool = False, stream=None):
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.times: dict[str, float] = {}

    @property
    def tty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.stream, flush=True)

    @contextmanager
    def stage(self, name: str):
        interrupts.check()  # a Ctrl-C swallowed during the previous stage stops us here
        interrupts.pause_for_test(name)
        live = not self.quiet and self.tty
        if live:
            print(f"{name}…", end="", file=self.stream, flush=True)
        start = time.perf_counter()
        try:
            yield
        except BaseException:
            if live:
                print("\r\033[K", end="", file=self.stream, flush=True)
            raise
        interrupts.check()
        took = time.perf_counter() - start
        self.times[name] = took
        if live:
            print(f" done ({took:.2f} s)", file=self.stream, flush=True)
        elif not self.quiet:
            print(f"{name}… done ({took:.2f} s)", file=self.stream, flush=True)


class Bar:
    """``[#####.....] 45/120  38.2 images/s`` redrawn in place on a terminal; silent elsewhere.
    Without a ``total`` (a video that does not declare its length): ``45  38.2 frames/s``."""

    def __init__(self, total: int | None, progress: Progress, unit: str = "images", width: int = 30):
        self.total, self.unit, self.width = total, unit, width
        self.stream = progress.stream
        self.live = not progress.quiet and progress.tty
        self.start = time.perf_counter()

    def update(self, done: int) -> None:
        if not self.live:
            return
        rate = done / max(time.perf_counter() - self.start, 1e-9)
        if self.total:
            filled = self.width * min(done, self.total) // self.total
            head = f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total}"
        else:
            head = f"{done}"
        print(f"\r{head}  {rate:.1f} {self.unit}/s", end="", file=self.stream, flush=True)

    def close(self) -> None:
        if self.live:
            print("\r\033[K", end="", file=self.stream, flush=True)
