"""Work on every core: a process pool over items, results handed back in input order.

Each item is one task for a worker process (a workbook takes 10 to 150 ms, far more than handing it
over, so tasks are not batched: a stop request then waits for one file per worker, not a batch).
At most a few tasks per worker are in flight, so results come back steadily and memory stays flat
on a large archive.

A worker that dies (killed, out of memory, a crash inside a reader) breaks the pool. The tasks that
were in flight are then run again one at a time in a fresh pool, so the one that kills its worker
again is known: it becomes ``on_crash(item, reason)`` and every other item gets its real result.
One task never stops the run.

With one worker, or one item, everything runs in this process: no pool, no start-up cost.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

IN_FLIGHT_PER_WORKER = 3


def available_cores() -> int:
    """The cores this process may run on (its affinity), at least one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Stop:
    """A request to stop: set by a signal, checked between tasks. Tasks already running finish."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def __bool__(self) -> bool:
        return self._event.is_set()

    def sleep(self, seconds: float) -> bool:
        """Sleep unless asked to stop; True when asked to stop."""
        return self._event.wait(seconds)


@contextmanager
def stopping_on_signals(stop: Stop) -> Iterator[Stop]:
    """Ctrl-C and SIGTERM ask ``stop`` to stop; a second Ctrl-C interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def ask(signum, frame):  # noqa: ARG001 - the signal handler signature
        if stop and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, ask) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _context():
    # fork starts a worker in milliseconds with the catalog already loaded; elsewhere (macOS,
    # Windows) fork is unsafe or missing and the platform's default is used.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    # Ctrl-C reaches the whole process group; the parent decides when to stop, so a worker
    # finishes the file it is on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What the parent built before the fork is never garbage: keep the collector off it.
    gc.freeze()
    if initializer is not None:
        initializer(*initargs)


def ordered_map(
    function: Callable[[T], R],
    items: Sequence[T],
    *,
    workers: int,
    on_crash: Callable[[T, str], R],
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
    stop: Stop | None = None,
    on_done: Callable[[], None] | None = None,
) -> Iterator[tuple[int, R]]:
    """``(index, function(item))`` for every item, in input order, on up to ``workers`` processes.

    ``function`` and ``initializer`` must be importable module-level functions; ``initializer``
    runs once in each worker (and here, when running in this process). When ``stop`` is set, no
    new item starts; the ones under way finish and are yielded, the rest are not.
    """
    stop = stop if stop is not None else Stop()
    workers = max(1, min(workers, len(items)))
    if workers == 1:
        yield from _in_process(function, items, on_crash, initializer, initargs, stop, on_done)
        return
    yield from _in_pool(function, items, workers, on_crash, initializer, initargs, stop, on_done)


def _in_process(function, items, on_crash, initializer, initargs, stop, on_done):
    if initializer is not None:
        initializer(*initargs)
    for index, item in enumerate(items):
        if stop:
            return
        try:
            result = function(item)
        except Exception as exc:  # noqa: BLE001 - a failing task is that item's answer, not the run's end
            result = on_crash(item, f"{type(exc).__name__}: {exc}")
        if on_done is not None:
            on_done()
        yield index, result


def _in_pool(function, items, workers, on_crash, initializer, initargs, stop, on_done):
    waiting = deque(range(len(items)))
    suspects: deque[int] = deque()  # in flight when a worker died: rerun one at a time
    results: dict[int, Any] = {}
    in_flight: dict[Future, tuple[int, bool]] = {}
    next_index = 0
    pool: ProcessPoolExecutor | None = None

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                                   initializer=_start_worker, initargs=(initializer, initargs))

    try:
        while True:
            if pool is None:
                pool = new_pool()
            if not stop:
                if suspects:
                    if not in_flight:
                        index = suspects.popleft()
                        in_flight[pool.submit(function, items[index])] = (index, True)
                else:
                    while waiting and len(in_flight) < workers * IN_FLIGHT_PER_WORKER:
                        index = waiting.popleft()
                        in_flight[pool.submit(function, items[index])] = (index, False)
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                index, alone = in_flight.pop(future)
                try:
                    results[index] = future.result()
                except BrokenProcessPool:
                    broken = True
                    if alone:
                        results[index] = on_crash(items[index], "检查它的工作进程意外退出（内存不足或读取库崩溃）")
                    else:
                        suspects.append(index)
                        continue
                except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back
                    results[index] = on_crash(items[index], f"{type(exc).__name__}: {exc}")
                if on_done is not None:
                    on_done()
            if broken:
                for future, (index, _alone) in list(in_flight.items()):
                    if future.done() and future.exception() is None:
                        results[index] = future.result()
                        if on_done is not None:
                            on_done()
                    else:
                        suspects.append(index)
                in_flight.clear()
                suspects = deque(sorted(suspects))
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
            while next_index in results:
                yield next_index, results.pop(next_index)
                next_index += 1
        # Stopped: hand back what finished, in order, skipping what never ran.
        for index in sorted(results):
            yield index, results.pop(index)
    except KeyboardInterrupt:  # asked twice: do not wait for the workers
        if pool is not None:
            _terminate(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _terminate(pool: ProcessPoolExecutor) -> None:
    if hasattr(pool, "terminate_workers"):  # Python 3.14
        pool.terminate_workers()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
