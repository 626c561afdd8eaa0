"""Ctrl-C that cannot be lost.

Python turns SIGINT into ``KeyboardInterrupt`` at whatever bytecode runs next, and when that is a
destructor, a weakref or garbage-collector callback, or a library's ``except BaseException``, the
exception is printed as "Exception ignored" or swallowed, and a build interrupted at the wrong
moment went on and installed its bundles (exit 0).  ``handle()`` installs a handler that also
records the interrupt; ``check()``, called at every stage boundary (``Progress.stage``) and before
anything is installed, raises it again if it was lost.  So an interrupted command stops at the
latest at its next stage, before it replaces anything.

``PACKAGER_TEST_PAUSE_AT=<stage prefix>`` (tests only) makes ``pause_for_test`` print
``paused at: <stage>`` on stderr when that stage starts and wait there for a signal: a test can
interrupt a command at a known point without racing its output.
``PACKAGER_TEST_PAUSE_WORKER_AT=<file name>:<marker path>`` (tests only) does the same for a
throughput-mode worker when it takes that image, once (the marker file records it): it prints
``worker paused at: <file name> <pid>`` and waits, so a test can kill that very worker while it
holds the image.
"""

from __future__ import annotations

import os
import signal
import sys

_pending = False


def _on_sigint(signum, frame) -> None:
    global _pending
    _pending = True
    raise KeyboardInterrupt


def handle() -> object:
    """Install the recording SIGINT handler (main thread only); returns the previous one."""
    global _pending
    _pending = False
    return signal.signal(signal.SIGINT, _on_sigint)


def restore(previous) -> None:
    global _pending
    _pending = False
    if previous is not None:
        signal.signal(signal.SIGINT, previous)


def check() -> None:
    """Raise ``KeyboardInterrupt`` when a Ctrl-C was received and not yet acted on."""
    if _pending:
        raise KeyboardInterrupt


def pause_for_test(stage: str) -> None:
    """See the module docstring; nothing unless ``PACKAGER_TEST_PAUSE_AT`` names this stage."""
    at = os.environ.get("PACKAGER_TEST_PAUSE_AT")
    if at and stage.startswith(at):
        print(f"paused at: {stage}", file=sys.stderr, flush=True)
        while True:
            signal.pause()  # the handler raises out of here (or just before, if the signal came first)


def pause_worker_for_test(path: str) -> None:
    """See the module docstring; nothing unless ``PACKAGER_TEST_PAUSE_WORKER_AT`` names this file
    and its marker does not exist yet."""
    at = os.environ.get("PACKAGER_TEST_PAUSE_WORKER_AT")
    if not at:
        return
    name, _, marker = at.partition(":")
    if os.path.basename(path) != name or not marker or os.path.exists(marker):
        return
    open(marker, "w").close()
    print(f"worker paused at: {name} {os.getpid()}", file=sys.stderr, flush=True)
    while True:
        signal.pause()
