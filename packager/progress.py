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
