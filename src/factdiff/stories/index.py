"""The vector index over active stories' centroids: which stories an article is scored against.

Up to ``EXACT_MAX`` active stories the index is a matrix scanned in one pass (exact, and faster than
any graph at that size). Beyond, a graph index (HNSW, from usearch) is built from the matrix and kept
up to date with it, so that finding the nearest stories costs about the same however many stories
the window holds; the graph proposes ``CANDIDATES_PER_K`` times the stories asked for, and those are
ranked by their exact cosine from the matrix (the matrix stays the source of truth). When the active
set falls under half of ``EXACT_MAX`` again, the graph is dropped.

Where the graph finds every one of the true nearest stories, the candidates are those of the scan, in
the same order (``bench.ingest_scale --only cluster`` runs the stream with the graph forced on and
counts the decisions that differ).
"""

from __future__ import annotations

from typing import Any

import numpy as np

EXACT_MAX = 4096  # active stories scanned exactly; beyond, the graph index
CANDIDATES_PER_K = 3  # the graph proposes this many times k stories, ranked exactly from the matrix
CONNECTIVITY = 16  # HNSW edges per node
EXPANSION_ADD = 64  # HNSW search width when a story is added (recall of the graph)
EXPANSION_SEARCH = 64  # ... when stories are searched


class CentroidIndex:
    """Rows of unit vectors keyed by story; ``nearest`` gives the keys of the highest cosines."""

    def __init__(self, exact_max: int = EXACT_MAX) -> None:
        self.exact_max = exact_max
        self._dim = 0
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._rows: dict[int, int] = {}
        self._keys: list[int] = []
        self._graph: Any = None  # usearch.index.Index while the active set is large

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def graph(self) -> bool:
        """Whether the graph index answers (the active set is large)."""
        return self._graph is not None

    def put(self, key: int, vec: np.ndarray) -> None:
        """Add the story ``key`` with centroid ``vec``, or move it there."""
        if self._dim == 0:
            self._dim = len(vec)
            self._matrix = np.zeros((64, self._dim), dtype=np.float32)
        row = self._rows.get(key)
        if row is None:
            row = len(self._keys)
            if row >= len(self._matrix):
                grown = np.zeros((len(self._matrix) * 2, self._dim), dtype=np.float32)
                grown[:row] = self._matrix[:row]
                self._matrix = grown
            self._rows[key] = row
            self._keys.append(key)
        self._matrix[row] = vec
        if self._graph is not None:
            if key in self._graph:
                self._graph.remove(key)
            self._graph.add(key, self._matrix[row])
        elif len(self._keys) > self.exact_max:
            self._build_graph()

    def drop(self, key: int) -> None:
        row = self._rows.pop(key, None)
        if row is None:
            return
        last = len(self._keys) - 1
        if row != last:  # move the last row into the hole
            moved = self._keys[last]
            self._matrix[row] = self._matrix[last]
            self._keys[row] = moved
            self._rows[moved] = row
        self._keys.pop()
        if self._graph is not None:
            self._graph.remove(key)
            if len(self._keys) < self.exact_max // 2:
                self._graph = None

    def nearest(self, vec: np.ndarray, k: int, exclude: int | None = None) -> list[int]:
        """The keys of the ``k`` rows closest to ``vec`` by cosine (best first; ties in row order),
        leaving out ``exclude``."""
        n = len(self._keys)
        if n == 0 or k <= 0:
            return []
        want = min(k + (exclude is not None), n)
        if self._graph is not None:
            found = self._graph.search(np.asarray(vec, dtype=np.float32), min(n, CANDIDATES_PER_K * want))
            rows = np.array(sorted(r for key in np.asarray(found.keys) if (r := self._rows.get(int(key))) is not None),
                            dtype=np.int64)
            sims = self._matrix[rows] @ np.asarray(vec, dtype=np.float32)
            ordered = rows[np.argsort(-sims, kind="stable")]
        else:
            # a BLAS matrix-vector product, on one thread: callers cluster under cluster.one_blas_thread() (at
            # this size a threaded BLAS's threads wait on one another)
            sims = self._matrix[:n] @ vec
            top = np.argpartition(-sims, want - 1)[:want] if want < n else np.arange(n)
            ordered = top[np.argsort(-sims[top], kind="stable")]
        return [self._keys[i] for i in ordered if self._keys[i] != exclude][:k]

    def _build_graph(self) -> None:
        from usearch.index import Index

        graph = Index(ndim=self._dim, metric="ip", dtype="f32", connectivity=CONNECTIVITY,
                      expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)
        n = len(self._keys)
        graph.add(np.array(self._keys, dtype=np.uint64), self._matrix[:n], threads=1)
        self._graph = graph
