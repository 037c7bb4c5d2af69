"""The process pool: results in input order, a dying worker costs only its own item, a time limit, stopping."""

from __future__ import annotations

import os
import time

import pytest

from evaluator.runner.parallel import Stop, ordered_map


def square_or_die(item: int) -> tuple[int, int]:
    if item == 99:
        time.sleep(60)  # a reader that hangs
    if item < 0:
        os._exit(3)  # a worker that dies without a word, as a crashing reader would
    if item == 13:
        raise ValueError("unlucky")
    return item, item * item


def crashed(item: int, reason: str) -> tuple[int, str]:
    return item, reason


def timed_out(item: int, seconds: float) -> tuple[int, str]:
    return item, f"timed out after {seconds:g} s"


@pytest.mark.parametrize(("workers", "timeout"), [(1, None), (2, None), (1, 30), (2, 30)])
def test_results_come_back_in_input_order(workers, timeout):
    items = [item for item in range(25) if item != 13]
    results = list(ordered_map(square_or_die, items, workers=workers, on_crash=crashed, timeout=timeout))
    assert [index for index, _ in results] == list(range(len(items)))
    assert [value for _, value in results] == [(item, item * item) for item in items]


@pytest.mark.parametrize("workers", [1, 2])
def test_an_exception_is_that_items_answer(workers):
    results = dict(ordered_map(square_or_die, [12, 13, 14], workers=workers, on_crash=crashed))
    assert results[0] == (12, 144) and results[2] == (14, 196)
    assert results[1][0] == 13 and "unlucky" in results[1][1]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_dying_worker_costs_only_its_item(workers):
    items = [1, 2, -1, 4, 5, 6, -2, 8, 9, 10]
    done = []
    results = list(ordered_map(square_or_die, items, workers=workers, on_crash=crashed, timeout=30,
                               on_done=lambda: done.append(1)))
    assert [index for index, _ in results] == list(range(len(items)))
    by_item = dict(value for _, value in results)
    for item in items:
        if item < 0:
            assert "工作进程意外退出" in by_item[item]
        else:
            assert by_item[item] == item * item
    assert len(done) == len(items)


def test_stop_lets_running_items_finish_and_starts_no_more():
    stop = Stop()
    seen = []

    def after_first() -> None:
        seen.append(1)
        stop.set()

    results = list(ordered_map(square_or_die, list(range(50)), workers=2, on_crash=crashed, stop=stop,
                               on_done=after_first))
    assert 1 <= len(results) < 50
    assert [index for index, _ in results] == sorted(index for index, _ in results)
    assert all(value == (index, index * index) for index, value in results)


@pytest.mark.parametrize("workers", [1, 2])
def test_an_item_past_the_time_limit_is_stopped_and_the_rest_go_on(workers):
    items = [1, 99, 2, 3, 99, 4]
    results = list(ordered_map(square_or_die, items, workers=workers, on_crash=crashed, timeout=0.5,
                               on_timeout=timed_out))
    assert [index for index, _ in results] == list(range(len(items)))
    assert [value for _, value in results] == [
        (1, 1), (99, "timed out after 0.5 s"), (2, 4), (3, 9), (99, "timed out after 0.5 s"), (4, 16)]


def test_without_on_timeout_a_late_item_is_a_crash_saying_so():
    ((_, (item, reason)),) = list(ordered_map(square_or_die, [99], workers=1, on_crash=crashed, timeout=0.2))
    assert item == 99 and "0.2 秒" in reason


def test_with_a_time_limit_even_one_item_runs_in_a_child_process():
    ((_, pid),) = list(ordered_map(worker_pid, [0], workers=1, on_crash=crashed, timeout=30))
    assert pid != os.getpid()
    ((_, pid),) = list(ordered_map(worker_pid, [0], workers=1, on_crash=crashed))
    assert pid == os.getpid()


def worker_pid(item: int) -> int:
    return os.getpid()
