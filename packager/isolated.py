"""Untrusted model files are read and first run in a child process.

TFLite's C++ loader trusts the file it is given (a one-byte change in a valid model can be a
SIGSEGV or SIGBUS: 15 of 300 random 1–6-byte mutations of a 960-byte model), and onnxruntime and
torch parse files in C++ too.  A signal kills the process it happens in, before Python can say
anything, so every front end call that reads a user's model file (its declared inputs, its
conversion and verification) runs in a spawned child (``Child``): a crash there ends the child,
and the parent says so in one line naming the file and the signal.  What the child returns (the
converted ONNX bytes, the declared inputs) was made by the front end and has run once already; the
parent trusts it.

The child is one process for the whole command (TensorFlow is imported once), started when first
needed.  Its stdout and stderr go to ``/dev/null``: the front ends' own errors come back as
exceptions, and native libraries' logs would break the one-line contract.  Ctrl-C stops the
parent, which stops the child.
"""

from __future__ import annotations

import multiprocessing
import os
import signal

from packager.errors import PackagerError

#: How the messages name each format's runtime (``preparation.SUFFIXES`` values).
RUNTIMES = {"tflite": "TFLite", "onnx": "onnxruntime", "pytorch": "torch"}


def crash_message(path: str, fmt: str, exitcode: int | None) -> str:
    """The one line for a child that died while reading ``path``."""
    runtime = RUNTIMES.get(fmt, fmt)
    if exitcode is not None and exitcode < 0:
        try:
            how = signal.Signals(-exitcode).name
        except ValueError:
            how = f"signal {-exitcode}"
        if -exitcode == signal.SIGKILL:
            how += ": killed, perhaps by the out-of-memory killer"
    else:
        how = f"exit code {exitcode}"
    return f"{path} crashed {runtime} while loading or running it ({how}); the file is damaged or not a model " \
           f"{runtime} can read"


class ChildCrashed(PackagerError):
    """The child died (a signal, an exit) while running a call; ``exitcode`` as multiprocessing
    reports it (negative: the signal)."""

    def __init__(self, message: str, exitcode: int | None):
        super().__init__(message)
        self.exitcode = exitcode

    @property
    def how(self) -> str:
        """``SIGABRT``, ``exit code 1``…"""
        if self.exitcode is not None and self.exitcode < 0:
            try:
                return signal.Signals(-self.exitcode).name
            except ValueError:
                return f"signal {-self.exitcode}"
        return f"exit code {self.exitcode}"


class Child:
    """A spawned process that runs front end functions (module-level, picklable) on request.

    ``call(fn, *args, path=..., fmt=...)`` returns ``fn(*args)``; a ``PackagerError`` raised in the
    child is raised here, any other exception (a runtime failing on a damaged file: MemoryError
    from ``std::bad_alloc``, an IndexError in a parser) is a ``PackagerError`` naming it; a child
    that dies (a signal) is a ``ChildCrashed`` (``crash_message``) and the next call starts a
    fresh one.  Use it as a context manager: the child ends with it."""

    def __init__(self):
        self._proc = None
        self._conn = None

    def __enter__(self) -> "Child":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited threads or state
        self._conn, theirs = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(theirs,), daemon=True, name="packager-model-reader")
        self._proc.start()
        theirs.close()

    def call(self, fn, *args, path: str, fmt: str):
        if self._proc is None:
            self._start()
        try:
            self._conn.send((fn, args))
            ok, value = self._conn.recv()
        except (EOFError, OSError):
            self._proc.join(30)
            code = self._proc.exitcode
            self.close()
            raise ChildCrashed(crash_message(path, fmt, code), code) from None
        if ok:
            return value
        if isinstance(value, PackagerError):
            raise value
        runtime = RUNTIMES.get(fmt, fmt)
        raise PackagerError(f"{path}: {runtime} failed on it ({value}); the file is damaged or not a model {runtime} "
                            "can read")

    def close(self) -> None:
        if self._proc is None:
            return
        self._conn.close()
        self._proc.join(5)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        self._proc = self._conn = None


def _serve(conn) -> None:
    """The child's loop: run each function sent, send back (True, result) or (False, error)."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops us
    while True:
        try:
            fn, args = conn.recv()
        except EOFError:
            return
        try:
            result = (True, fn(*args))
        except PackagerError as e:
            result = (False, PackagerError(str(e)))
        except Exception as e:  # noqa: BLE001 — a damaged file fails in a runtime in any way it likes (MemoryError,
            # IndexError in tf2onnx...): the parent words it as the file's fault, naming what was raised
            text = " ".join(str(e).split())[:200]
            result = (False, f"{type(e).__name__}: {text}" if text else type(e).__name__)
        conn.send(result)
