"""Union-find over document keys, earliest key as root ("first seen survives").

Document keys are allocated in input order (and later runs get larger keys than
earlier ones), so making the smaller key the root of every union makes the root of
a cluster its first-seen document: the one the stage kept.

The dedup stage only ever *attaches* a new document to an existing cluster
(:meth:`UnionFind.attach`), so clusters are stars around their survivors;
:meth:`UnionFind.union` is there for merging whole clusters.

A node the in-memory forest has never seen asks ``lookup(key)`` for its stored
parent (a persistent index keeps one per document), so clusters formed in earlier
runs continue in this one. :meth:`UnionFind.union` returns the root that lost its
status so the caller can store the new parent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

ParentLookup = Callable[[int], "int | None"]


class UnionFind:
    """Disjoint sets of integer keys; the smallest key of a set is its root."""

    def __init__(self, lookup: ParentLookup | None = None) -> None:
        self._parent: dict[int, int] = {}
        self._lookup = lookup

    def _parent_of(self, key: int) -> int:
        parent = self._parent.get(key)
        if parent is None:
            stored = self._lookup(key) if self._lookup is not None else None
            parent = key if stored is None else stored
            self._parent[key] = parent
        return parent

    def find(self, key: int) -> int:
        """The root of ``key``'s set (with path compression)."""
        root = key
        while True:
            parent = self._parent_of(root)
            if parent == root:
                break
            root = parent
        node = key
        while node != root:
            nxt = self._parent[node]
            self._parent[node] = root
            node = nxt
        return root

    def union(self, a: int, b: int) -> tuple[int, int | None]:
        """Merge the sets of ``a`` and ``b``: ``(root, demoted_root or None)``."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra, None
        root, child = (ra, rb) if ra < rb else (rb, ra)
        self._parent[child] = root
        return root, child

    def attach(self, key: int, root: int) -> None:
        """Make the new node ``key`` a child of ``root``'s set (whatever the key order)."""
        self._parent[key] = self.find(root)

    def __len__(self) -> int:
        return len(self._parent)


def pick_survivor(signature: Any, roots: Iterable[int], signature_of: Callable[[int], Any], cutoff: float
                  ) -> tuple[int, float]:
    """The cluster a near-duplicate with ``signature`` joins: the earliest root (lowest key,
    i.e. first seen) whose estimated Jaccard reaches ``cutoff``; failing that, the most
    similar root. Returns ``(root, similarity)``, ``(-1, -1.0)`` for no roots. The streaming
    stage and the Ray engine both decide with this function, so they cannot drift apart."""
    from corpuskit_plugins.dedup.signatures import estimate_jaccard

    best, best_similarity = -1, -1.0
    for root in sorted(roots):
        est = estimate_jaccard(signature, signature_of(root))
        if est >= cutoff:
            return root, est
        if est > best_similarity:
            best, best_similarity = root, est
    return best, best_similarity
