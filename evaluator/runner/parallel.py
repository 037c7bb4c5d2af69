"""Work on every core: worker processes over items, results handed back in input order.

Each worker holds one item at a time (a workbook takes 10 to 150 ms, far more than handing it
over), so the parent always knows which item a worker is on: a worker that dies (killed, out of
memory, a crash inside a reader) costs only that item, which becomes ``on_crash(item, reason)``,
and a new worker takes its place. With a time limit (``timeout`` seconds), a worker still on one
item past the limit is killed and replaced, and the item becomes ``on_timeout(item, timeout)``; it
is not tried again. One item never stops the run, and a stop request waits for one item per worker.

Without a time limit, one worker (or one item) runs everything in this process: no start-up cost.
With one, every item runs in a child process, since only a process can be stopped from outside.

A worker never outlives its parent: it asks the kernel to kill it when the parent dies
(PR_SET_PDEATHSIG on Linux; elsewhere a thread watches the parent), closes the parent's pipe ends
it inherited by forking (so the end of its pipe is seen), and takes back the default SIGTERM.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, TypeVar

if TYPE_CHECKING:   # multiprocessing is imported when a worker is started, not for a check in process
    from multiprocessing.connection import Connection

T = TypeVar("T")
R = TypeVar("R")

#: How long a worker asked to finish may take before it is killed.
EXIT_GRACE = 5.0


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
    import multiprocessing

    # fork starts a worker in milliseconds with the catalog already loaded; elsewhere (macOS,
    # Windows) fork is unsafe or missing and the platform's default is used.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


PR_SET_PDEATHSIG = 1   # <linux/prctl.h>


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux: PR_SET_PDEATHSIG); elsewhere,
    a thread that watches the parent does it. A parent already gone means exit now."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:   # died before the request was made
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple, parent: int | None = None,
                  inherited: Sequence[Connection] = ()) -> None:
    # A worker never outlives its parent: a killed parent (kill -9) takes its workers with it.
    if parent is not None:
        _die_with(parent)
    # Close the parent's ends of the pipes a forked worker inherited (its own, and every other
    # worker's): holding them, it would never read the end of its pipe when the parent is gone.
    for connection in inherited:
        try:
            connection.close()
        except OSError:
            pass
    # The parent's handlers (SIGTERM asks the parent's run to stop) are not the worker's: SIGTERM
    # ends a worker. Ctrl-C reaches the whole process group; the parent decides when to stop, so a
    # worker finishes the file it is on.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
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
    timeout: float | None = None,
    on_timeout: Callable[[T, float], R] | None = None,
) -> Iterator[tuple[int, R]]:
    """``(index, function(item))`` for every item, in input order, on up to ``workers`` processes.

    ``function`` and ``initializer`` must be importable module-level functions; ``initializer``
    runs once in each worker (and here, when running in this process). When ``stop`` is set, no
    new item starts; the ones under way finish and are yielded, the rest are not. With ``timeout``
    (seconds, None or 0: none), an item still running past it is stopped and answered by
    ``on_timeout(item, timeout)`` (default: ``on_crash`` with a reason saying so).
    """
    stop = stop if stop is not None else Stop()
    workers = max(1, min(workers, len(items)))
    if not timeout:
        timeout = None
        if workers == 1:
            yield from _in_process(function, items, on_crash, initializer, initargs, stop, on_done)
            return
    if on_timeout is None:
        def on_timeout(item: T, seconds: float) -> R:
            return on_crash(item, f"超过 {seconds:g} 秒仍未完成，已停止")
    yield from _in_pool(function, items, workers, on_crash, on_timeout, timeout, initializer, initargs,
                        stop, on_done)


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


def _serve(connection: Connection, function, initializer, initargs, parent: int | None = None,
           inherited: Sequence[Connection] = ()) -> None:
    """A worker: take ``(index, item)`` until told to stop (None), answer ``(index, ok, value)``."""
    _start_worker(initializer, initargs, parent, inherited)
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if message is None:
            return
        index, item = message
        try:
            answer = (index, True, function(item))
        except Exception as exc:  # noqa: BLE001 - a failing task is that item's answer
            answer = (index, False, f"{type(exc).__name__}: {exc}")
        try:
            connection.send(answer)
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back
            connection.send((index, False, f"{type(exc).__name__}: {exc}"))


class _Worker:
    """One worker process and the item it is on (None: idle)."""

    def __init__(self, function, initializer, initargs, others: Sequence["_Worker"] = ()) -> None:
        context = _context()
        self.connection, theirs = context.Pipe()
        # A forked worker inherits the parent's end of its own pipe and of every other worker's:
        # it closes them first thing (with another start method nothing is inherited).
        forked = context.get_start_method() == "fork"
        inherited = [self.connection, *(worker.connection for worker in others)] if forked else []
        self.process = context.Process(target=_serve, args=(theirs, function, initializer, initargs,
                                                            os.getpid(), inherited),
                                       daemon=True, name="evaluator-worker")
        self.process.start()
        theirs.close()  # the worker holds the only other end: its death reads as the end of the pipe
        self.index: int | None = None
        self.started = 0.0

    def give(self, index: int, item: Any) -> None:
        self.connection.send((index, item))
        self.index, self.started = index, time.monotonic()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()

    def finish(self) -> None:
        """Ask an idle worker to exit; kill it if it does not."""
        try:
            self.connection.send(None)
        except OSError:
            pass
        self.process.join(EXIT_GRACE)
        self.kill()


def _in_pool(function, items, workers, on_crash, on_timeout, timeout, initializer, initargs, stop, on_done):
    from multiprocessing.connection import wait as wait_any

    waiting = iter(range(len(items)))
    upcoming = next(waiting, None)
    pool: list[_Worker] = []
    results: dict[int, Any] = {}
    next_index = 0

    def settle(index: int, result: Any) -> None:
        results[index] = result
        if on_done is not None:
            on_done()

    try:
        while True:
            # Every idle worker takes the next item; a worker that was replaced is started on demand.
            while not stop and upcoming is not None:
                idle = next((worker for worker in pool if worker.index is None), None)
                if idle is None:
                    if len(pool) >= workers:
                        break
                    idle = _Worker(function, initializer, initargs, pool)
                    pool.append(idle)
                index, upcoming = upcoming, next(waiting, None)
                try:
                    idle.give(index, items[index])
                except OSError as exc:  # the worker died while idle
                    idle.kill()
                    pool.remove(idle)
                    settle(index, on_crash(items[index], f"工作进程已退出（{exc}）"))
            # Handed back only now, once every idle worker has its next item: what the caller does
            # with an answer (record it, write it to disk) overlaps the workers' next files.
            while next_index in results:
                yield next_index, results.pop(next_index)
                next_index += 1
            busy = [worker for worker in pool if worker.index is not None]
            if not busy:
                break
            left = None
            if timeout is not None:
                left = max(0.0, min(worker.started + timeout for worker in busy) - time.monotonic())
            for connection in wait_any([worker.connection for worker in busy], left):
                worker = next(worker for worker in busy if worker.connection is connection)
                index, worker.index = worker.index, None
                try:
                    answer_index, ok, value = connection.recv()
                except (EOFError, OSError):  # the worker died on this item
                    worker.kill()
                    pool.remove(worker)
                    settle(index, on_crash(items[index], "检查它的工作进程意外退出（内存不足或读取库崩溃）"))
                    continue
                settle(answer_index, value if ok else on_crash(items[answer_index], value))
            if timeout is not None:
                now = time.monotonic()
                for worker in [worker for worker in pool if worker.index is not None]:
                    if now - worker.started >= timeout:
                        index = worker.index
                        worker.kill()
                        pool.remove(worker)
                        settle(index, on_timeout(items[index], timeout))
        # Stopped: hand back what finished, in order, skipping what never ran.
        for index in sorted(results):
            yield index, results.pop(index)
    except KeyboardInterrupt:  # asked twice: do not wait for the workers
        for worker in pool:
            worker.kill()
        pool.clear()
        raise
    finally:
        for worker in pool:
            if worker.index is None:
                worker.finish()
            else:
                worker.kill()
