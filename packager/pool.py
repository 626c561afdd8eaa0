"""Throughput mode's worker processes, which survive a dead worker.

A worker can die with the images it holds: the out-of-memory killer, a crash in a native image
decoder.  ``concurrent.futures`` then breaks the whole pool (``BrokenProcessPool`` for every
image not yet returned), which would lose every result.  Here:

- at most ``2 × workers`` images are in flight at once, so when a pool breaks the images it may
  have died of are known: those in flight.  Images not yet handed out are not suspects; they go on
  on a fresh pool.
- each suspect is retried once, alone on a one-worker pool: an innocent one (its worker was only
  taken down with the culprit) gets its result; one whose worker dies again is the culprit and is
  reported failed (``DIED``).

Results are handed over in input order, each as soon as every earlier one is known.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable

#: The failure reported for an image whose worker died on it twice.
DIED = ("the worker process died on it twice, even alone (a crash in a native decoder, or the out-of-memory "
        "killer); the other images are not affected")


def run_all(items: list, work: Callable, workers: int, initializer: Callable, initargs: tuple,
            on_result: Callable[[int, object], None], died: Callable[[object], object]) -> None:
    """``work(item)`` for every item on ``workers`` processes (each set up by
    ``initializer(*initargs)``); ``on_result(index, result)`` in input order.  An item whose
    worker died on it twice gets ``died(item)`` as its result."""
    results: dict[int, object] = {}
    ready = [0]

    def emit(i: int, result) -> None:
        results[i] = result
        while ready[0] in results:
            on_result(ready[0], results.pop(ready[0]))
            ready[0] += 1

    todo = list(range(len(items)))
    while todo:
        suspects, todo = _round(todo, items, work, workers, 2 * workers, initializer, initargs, emit)
        while suspects:  # each alone: a death now is its own
            lost, suspects = _round(suspects, items, work, 1, 1, initializer, initargs, emit)
            for i in lost:
                emit(i, died(items[i]))


def _round(indices: list[int], items: list, work: Callable, workers: int, window: int, initializer: Callable,
           initargs: tuple, emit: Callable) -> tuple[list[int], list[int]]:
    """Run ``indices`` on a fresh pool, at most ``window`` in flight.  Returns ([], []) when all
    came back, else (the ones in flight when a worker died, the ones not yet handed out)."""
    pending = deque(indices)
    inflight = {}
    with ProcessPoolExecutor(workers, initializer=initializer, initargs=initargs) as pool:
        while pending or inflight:
            try:
                while pending and len(inflight) < window:
                    future = pool.submit(work, items[pending[0]])  # a broken pool refuses: the item stays pending
                    inflight[future] = pending.popleft()
            except BrokenProcessPool:
                return _after_break(inflight, emit), list(pending)
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            if any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                return _after_break(inflight, emit), list(pending)
            for f in done:
                emit(inflight.pop(f), f.result())
    return [], []


def _after_break(inflight: dict, emit: Callable) -> list[int]:
    """Once a pool broke: the results that did come back are kept, the others are suspects."""
    wait(inflight)  # the executor fails every future it still held
    suspects = []
    for f, i in inflight.items():
        if isinstance(f.exception(), BrokenProcessPool):
            suspects.append(i)
        else:
            emit(i, f.result())
    return sorted(suspects)
