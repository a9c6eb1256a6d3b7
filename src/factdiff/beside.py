"""Work on a very long article, split between this process and one forked child.

The claims of a 1 MB page number in the thousands, and each is encoded (``embed``) and read for figures,
dates and polarity (``pipeline``) on its own: pure, per-item work that one core does while the other
waits. From ``SPLIT_FROM`` items, and where ``entities.parse_processes()`` allows more than one process,
a forked child does the second half (the modules and models it needs are already loaded: a fork costs
little) while this process does the first; the results come back in order, the same whichever process
made them. Wherever no child can be had (not the main thread, no ``fork``, the child fails), everything
runs here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

log = logging.getLogger("factdiff")

T = TypeVar("T")
R = TypeVar("R")

SPLIT_FROM = 2_000  # items from which the work is split between two processes

_FN: Any = None  # the function a forked child applies (set just before the fork)


def _in_child(items: Sequence[Any]) -> Any:
    return _FN(items)


def in_two(fn: Callable[[Sequence[T]], R], items: Sequence[T], split_from: int = SPLIT_FROM) -> tuple[R, R] | None:
    """``(fn(first half), fn(second half))``, the second made by a forked child while this process makes the
    first, from ``split_from`` items where ``entities.parse_processes()`` allows two processes; None where
    the work is not split (too few items, one process allowed, no child to be had): the caller then calls
    ``fn(items)`` itself."""
    global _FN
    from .entities import parse_processes

    if len(items) < split_from or parse_processes() < 2:
        return None
    import multiprocessing

    half = len(items) // 2
    _FN = fn
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            later = pool.apply_async(_in_child, (items[half:],))
            first = fn(items[:half])
            second = later.get()
    except (OSError, ValueError, RuntimeError, AssertionError) as exc:  # no child here: all in this process
        log.info("working in one process: %s", exc)
        return None
    finally:
        _FN = None
    return first, second


def map_in_two(fn: Callable[[T], R], items: Sequence[T], split_from: int = SPLIT_FROM) -> list[R]:
    """``[fn(x) for x in items]``, the second half done by a forked child from ``split_from`` items (:func:`in_two`)."""
    def each(xs: Sequence[T]) -> list[R]:
        return [fn(x) for x in xs]

    halves = in_two(each, items, split_from)
    return each(items) if halves is None else halves[0] + halves[1]
