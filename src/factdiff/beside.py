"""Per-item work on a very long article, split between this process and one forked child.

The claims of a 1 MB page number in the thousands and each is read on its own (figures, dates,
polarity): pure, per-item work that one core does while the other waits. From ``SPLIT_FROM`` items,
and where ``entities.parse_processes()`` allows more than one process, a forked child does the second
half (the modules and models it needs are already loaded: a fork costs little) while this process does
the first; the results come back in order, the same whichever process made them. Wherever no child
can be had (not the main thread, no ``fork``, the child fails), everything runs here.
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


def _in_child(items: Sequence[Any]) -> list[Any]:
    return [_FN(x) for x in items]


def map_in_two(fn: Callable[[T], R], items: Sequence[T], split_from: int = SPLIT_FROM) -> list[R]:
    """``[fn(x) for x in items]``, the second half done by a forked child from ``split_from`` items."""
    global _FN
    from .entities import parse_processes

    if len(items) < split_from or parse_processes() < 2:
        return [fn(x) for x in items]
    import multiprocessing

    half = len(items) // 2
    _FN = fn
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            later = pool.apply_async(_in_child, (items[half:],))
            first = [fn(x) for x in items[:half]]
            second = later.get()
    except (OSError, ValueError, RuntimeError, AssertionError) as exc:  # no child here: all in this process
        log.info("reading in one process: %s", exc)
        return [fn(x) for x in items]
    finally:
        _FN = None
    return first + second
