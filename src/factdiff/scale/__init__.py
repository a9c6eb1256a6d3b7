"""``factdiff ingest --ray``: the ingest pipeline on Ray, with the same stories and reports as the local path.

How the work splits (docs/SCALING.md has the measured figures):

1. **Read** (Ray Data): files through ``read_binary_files``, Parquet through ``read_parquet``, stdin and
   in-memory documents through ``from_items``; each file is parsed on a worker with the local reader's
   own rules, and a bad record (malformed JSON line, empty text, binary file) becomes an error row.
2. **Annotate** (``map_batches`` on an actor pool; each actor loads the language identifier once):
   language, title and lead sentences, name and rare-word keys, publication time, per article.
3. **Embed** (``map_batches`` on an actor pool; each actor loads the sentence encoder once): the title
   and lead sentences of each *local batch* in one encoder call, exactly the calls the local path
   makes (the encoder's floating point depends on which texts share a call, so the batches are kept).
4. **Cluster and write** (the driver, sequential): publication order, duplicates dropped, the same
   ``OnlineClusterer`` fed in the same order, one transaction per batch, as ``factdiff.stories.ingest``.
   Story assignment is a sequential decision (each article sees the stories the earlier ones made), and
   it is cheap (well under a millisecond per article), so it stays in one process.
5. **Cross-check** (an actor pool, each actor loads the compare models once): every story that changed
   is cross-checked once, after the stream. With SQLite the driver writes the reports (one writer);
   with PostgreSQL each actor writes its own.

Ray is optional (``pip install "factdiff[ray]"``); this module imports it only when called.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..doc import Document
from ..ingest import MAX_BYTES
from ..store import Store
from ..stories.ingest import BATCH_SIZE, IngestResult, Progress

INSTALL_HINT = 'Ray is not installed; run: pip install "factdiff[ray]"'
LOCAL = "local"
OBJECT_STORE_MB = int(os.environ.get("FACTDIFF_RAY_OBJECT_STORE_MB", "256"))  # a local Ray's object store

__all__ = ["INSTALL_HINT", "LOCAL", "RayUnavailable", "ScaleError", "ingest", "is_address", "ray_available",
           "start_ray"]


class ScaleError(RuntimeError):
    """A Ray problem the user can fix (not installed, cluster unreachable), as one line."""


class RayUnavailable(ScaleError):
    """``--ray`` was asked for but Ray is not installed (the message says how to install it)."""


def ray_available() -> bool:
    return importlib.util.find_spec("ray") is not None


def is_address(value: str) -> bool:
    """Whether a word after ``--ray`` is a Ray address (else it is an input and ``--ray`` means a local Ray)."""
    return value in (LOCAL, "auto") or "://" in value or re.fullmatch(r"[\w.\-]+:\d+", value) is not None


def start_ray(address: str | None = None, num_cpus: int | None = None,
              object_store_mb: int = OBJECT_STORE_MB) -> bool:
    """Connect to Ray; returns True when this call started it (the caller then shuts it down).

    No address (or ``"local"``): a local Ray, memory-bounded for small machines (a small object store,
    no dashboard, no usage stats, worker logs not copied to the terminal). An address: an existing
    cluster, whose own settings apply. A Ray already initialised in this process is reused.
    """
    if not ray_available():
        raise RayUnavailable(INSTALL_HINT)
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray

    if ray.is_initialized():
        return False
    if address and address not in (LOCAL, "auto"):
        _check_reachable(address)
    try:
        if address and address != LOCAL:
            ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
        else:
            ray.init(num_cpus=num_cpus, object_store_memory=object_store_mb * 1024 * 1024, include_dashboard=False,
                     log_to_driver=False, logging_level=logging.ERROR)
    except Exception as exc:  # noqa: BLE001 - Ray raises many kinds (ConnectionError, RuntimeError, ValueError)
        where = f"the Ray cluster at {address}" if address and address != LOCAL else "a local Ray"
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ScaleError(f"cannot start or reach {where}: {first}") from None
    for name in ("ray", "ray.data"):  # Ray Data logs every dataset's plan at INFO on the driver
        logging.getLogger(name).setLevel(logging.ERROR)
    return True


def _check_reachable(address: str) -> None:
    """Fail in one line, within seconds, when nothing listens at ``HOST:PORT`` (Ray itself retries for minutes)."""
    import socket

    host, _, port = address.split("://", 1)[-1].rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        raise ScaleError(f"cannot reach the Ray cluster at {address}: {why}") from None


def ingest(sources: Iterable[str | Path | Document], db: str | None = None, *, store: Store | None = None,
           address: str | None = None, workers: int | None = None, num_cpus: int | None = None,
           batch_size: int = BATCH_SIZE, cross_check: bool = True, compare_options: dict[str, Any] | None = None,
           max_bytes: int = MAX_BYTES, progress: Progress | None = None, stdin: Any = None) -> IngestResult:
    """``factdiff.stories.ingest`` on Ray: same inputs, same store, same stories and reports.

    ``address``: None or ``"local"`` starts a local Ray for the run (``num_cpus`` of this machine, all
    by default); ``"auto"`` or ``"HEAD:6379"`` joins a running cluster. ``workers``: actors per
    stage (default: the CPUs Ray has). Raises ``RayUnavailable`` when Ray is not installed.
    """
    if not ray_available():
        raise RayUnavailable(INSTALL_HINT)
    started = start_ray(address, num_cpus=num_cpus)
    try:
        from .pipeline import run

        return run(sources, db, store=store, workers=workers, batch_size=batch_size, cross_check=cross_check,
                   compare_options=compare_options, max_bytes=max_bytes, progress=progress, stdin=stdin)
    finally:
        if started:
            import ray

            ray.shutdown()
