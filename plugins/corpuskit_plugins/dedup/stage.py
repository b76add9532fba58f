"""The ``dedup`` stage: exact and near-duplicate removal in one streaming pass.

Per document, independently of every other (:meth:`DedupStage.prepare`, which runs
in the worker processes with ``--workers N``): normalise and hash its words
(:mod:`.shingles`), take the 128-bit fingerprint of the normalised words, its MinHash
signature in bulk (:mod:`.signatures`) and one bucket key per LSH band
(:mod:`.lsh_params` explains the choice of bands and rows).

Then for each document, in input order (:meth:`DedupStage.process`, in the parent):

1. A document with no words passes through untouched (other stages judge empty text).
2. **Exact fast path**: if its fingerprint is in the index, it is a duplicate of
   that document's cluster survivor.
3. Otherwise look up its LSH bands and **verify** every candidate: the Jaccard
   estimate from the two signatures must reach :func:`.lsh_params.verify_cutoff`.
4. Each verified match leads, through the union-find forest of stored parents
   (:mod:`.clusters`), to the survivor of its cluster. The document joins the
   earliest cluster whose survivor it verifies against directly (else the one whose
   survivor it resembles most) and is dropped
   with ``duplicate(doc, of=survivor, similarity=estimate to the survivor,
   cluster=survivor)``; with no verified match it is kept. Either way it is
   indexed, so later copies of a dropped variant are still caught (A ← B ← C).
   Guard against chaining: a document is dropped only if its estimated similarity
   to the survivor itself is at least :data:`CHAIN_FLOOR` (0.65, or the verify
   cut-off if lower); otherwise it is kept (``chain_kept``). So no duplicate record
   names a survivor that shares less than about half of the document, and a
   cluster is a star around its survivor: clusters are never merged after their
   survivors were emitted (a document matching two clusters is a ``bridge`` and
   joins one of them).

**Survivor policy** ``"first"`` (the only one): the first document of a cluster in
input order survives; every later member is dropped and names it. Output is in
input order, and the same input gives the same output and the same duplicate
records on every run. A policy like "keep the longest" would need the whole input
buffered before anything is emitted, which a streaming stage cannot do.

With ``--workers N`` only :meth:`DedupStage.prepare` runs in the workers; the lookups,
verification and cluster bookkeeping stay in one process, in input order, so the
result does not depend on scheduling. Without ``index`` the index lives in memory
(:class:`.index.MemoryIndex`). With ``index=PATH`` the index outlives the run: a
later run drops documents that duplicate anything indexed before, naming the
earlier survivor. The index parameters (num_perm, seed, bands, rows, n-gram,
normalisation) are stored with it and checked on open.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from corpuskit.document import Document
from corpuskit.stage import Stage
from corpuskit_plugins.dedup.clusters import UnionFind, pick_survivor
from corpuskit_plugins.dedup.index import Index, MemoryIndex, RedisIndex, SqliteIndex
from corpuskit_plugins.dedup.lsh_params import (
    DEFAULT_TARGET_RECALL,
    DEFAULT_Z,
    choose_bands_rows,
    verify_cutoff,
)
from corpuskit_plugins.dedup.shingles import (
    SHINGLE_VERSION,
    fingerprint,
    normalized_word_bytes,
    shingle_hashes,
    word_hashes,
)
from corpuskit_plugins.dedup.signatures import Signer, band_keys, compact, estimate_jaccard, from_compact

DEFAULT_NUM_PERM = 128
POLICIES = ("first",)
BACKENDS = ("file", "redis")
_ID_CACHE_LIMIT = 65536
#: A document matched only through other duplicates is dropped only if its estimated
#: similarity to the survivor is at least this (or the verify cut-off, if lower):
#: 3.4 standard deviations of the estimate above 0.5 for 128 permutations.
CHAIN_FLOOR = 0.65
_FP_BYTES = 16


def _as_int(name: str, value: Any) -> int:
    try:
        out = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"dedup option {name} must be an integer, got {value!r}") from None
    if out < 1:
        raise ValueError(f"dedup option {name} must be positive, got {value!r}")
    return out


class DedupStage(Stage):
    """Drop exact and near-duplicate documents; keep the first of each cluster.

    Options (all keyword, strings from the command line are converted):

    ``threshold`` (0.8)
        Word-n-gram Jaccard similarity from which two documents are duplicates.
        Pairs at the threshold are caught with probability ≈ 0.97 (LSH recall ×
        verification), pairs below 0.6 practically never.
    ``num_perm`` (128; ``bands * rows`` when both are given)
        MinHash values per signature.
    ``ngram`` (5)
        Words per shingle.
    ``bands``, ``rows`` (chosen from ``threshold``)
        LSH banding; by default the largest ``rows`` whose S-curve gives recall
        ≥ ``target_recall`` (0.99) at the threshold: 21 × 6 for the defaults.
    ``index`` (none)
        ``backend="file"``: path of the SQLite index kept across runs (none: a
        private in-memory index, gone at the end). ``backend="redis"``: the key prefix
        (default ``corpuskit:dedup``).
    ``in_memory`` (true)
        Without ``index``: keep the run's index in memory (about 0.7 KB per document,
        fastest) or, with false, in a temporary SQLite file (memory stays flat, about
        5× more time per document in the main process).
    ``backend`` ("file")
        ``"file"`` or ``"redis"``.
    ``redis_url`` ("redis://localhost:6379/0")
        The Redis server for ``backend="redis"``.
    ``policy`` ("first")
        Which document of a cluster survives: the first in input order.
    ``seed`` (1), ``target_recall`` (0.99), ``z`` (2.0), ``cache_mb`` (64)
        Permutation seed; band choice target; verification margin in standard
        deviations of the estimate; SQLite page cache.

    After a run :meth:`stats` gives the counts for the run report.
    """

    name = "dedup"
    order = 30
    per_document = False
    description = "drop exact and near-duplicate documents (MinHash LSH, verified; first seen survives)"

    def __init__(
        self,
        threshold: float = 0.8,
        num_perm: int | None = None,
        ngram: int = 5,
        bands: int | None = None,
        rows: int | None = None,
        index: str | Path | None = None,
        backend: str = "file",
        redis_url: str = "redis://localhost:6379/0",
        policy: str = "first",
        seed: int = 1,
        target_recall: float = DEFAULT_TARGET_RECALL,
        z: float = DEFAULT_Z,
        cache_mb: int = 64,
        in_memory: bool = True,
        **options: Any,
    ) -> None:
        if options:
            names = ", ".join(sorted(options))
            raise TypeError(f"stage {self.name!r} takes no option(s): {names}")
        super().__init__()
        self.threshold = float(threshold)
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"dedup threshold must be in (0, 1], got {threshold!r}")
        self.ngram = _as_int("ngram", ngram)
        if bands is not None and rows is not None:
            self.bands, self.rows = _as_int("bands", bands), _as_int("rows", rows)
            self.num_perm = self.bands * self.rows if num_perm is None else _as_int("num_perm", num_perm)
            if self.bands * self.rows > self.num_perm:
                raise ValueError(
                    f"dedup bands*rows = {self.bands * self.rows} exceeds num_perm {self.num_perm}"
                )
        else:
            self.num_perm = DEFAULT_NUM_PERM if num_perm is None else _as_int("num_perm", num_perm)
            if bands is not None:
                self.bands = _as_int("bands", bands)
                self.rows = self.num_perm // self.bands
            elif rows is not None:
                self.rows = _as_int("rows", rows)
                self.bands = self.num_perm // self.rows
            else:
                self.bands, self.rows = choose_bands_rows(self.threshold, self.num_perm, float(target_recall))
            if self.bands < 1 or self.rows < 1:
                raise ValueError(f"dedup num_perm {self.num_perm} is too small for the bands/rows given")
        if policy not in POLICIES:
            raise ValueError(f"dedup policy must be one of {', '.join(POLICIES)}, got {policy!r}")
        if backend not in BACKENDS:
            raise ValueError(f"dedup backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
        self.policy = policy
        self.backend = backend
        self.index_path = index
        self.redis_url = redis_url
        self.seed = int(seed)
        self.cache_mb = _as_int("cache_mb", cache_mb)
        self.in_memory = bool(in_memory)
        self.cutoff = verify_cutoff(self.threshold, self.num_perm, float(z))
        self.floor = min(self.cutoff, CHAIN_FLOOR)
        self.signer = Signer(self.num_perm, self.seed)
        self._buckets = struct.Struct(f"<{self.bands}q")
        # prepare packs the unsigned keys: the same bytes as the signed buckets mod 2**64
        self._pack_keys = struct.Struct(f"<{self.bands}Q").pack
        self._index: Index | None = None
        self._uf: UnionFind | None = None
        self._ids: dict[int, str] = {}
        self.counts: dict[str, int] = dict.fromkeys(
            ("documents", "kept", "exact_duplicates", "near_duplicates", "empty", "candidates_checked",
             "candidates_verified", "bridges", "chain_kept"), 0)

    # -- index lifecycle -------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """The parameters an index must have been built with to be reused."""
        return {
            "format": "corpuskit-dedup-1",
            "signature": "datasketch-affine32-b16",
            "num_perm": str(self.num_perm),
            "seed": str(self.seed),
            "bands": str(self.bands),
            "rows": str(self.rows),
            "ngram": str(self.ngram),
            "shingles": str(SHINGLE_VERSION),
        }

    def open_index(self) -> Index:
        """Open (once) and return the backend; checks its parameters."""
        if self._index is None:
            index: Index
            if self.backend == "redis":
                prefix = str(self.index_path) if self.index_path else "corpuskit:dedup"
                index = RedisIndex(self.redis_url, prefix=prefix)
            elif self.index_path is None and self.in_memory:
                index = MemoryIndex(2 * self.num_perm)
            else:
                index = SqliteIndex(self.index_path, cache_mb=self.cache_mb)
            try:
                index.check_meta(self.meta())
            except BaseException:
                index.abort()
                raise
            self._index = index
            self._uf = UnionFind(index.parent)
        return self._index

    def close(self) -> None:
        """Commit what this run added to the index (one transaction) and close it."""
        if self._index is not None:
            self._index.close()
            self._index = None

    def abort(self) -> None:
        """Discard what this run added to the index (for a failed run) and close it."""
        if self._index is not None:
            self._index.abort()
            self._index = None

    # -- the per-document part -----------------------------------------------------------

    def prepare(self, doc: Document) -> bytes:
        """The document's sketch, packed: its fingerprint (16 bytes), one signed 64-bit bucket
        key per band and its 16-bit signature (:func:`.signatures.compact`); ``b""`` when the
        document has no words. Depends on the document and the options only."""
        words = normalized_word_bytes(doc.text)
        if not words:
            return b""
        wh = word_hashes(words)
        sig = self.signer.signature(shingle_hashes(wh, self.ngram))
        return fingerprint(wh) + self._pack_keys(*band_keys(sig, self.bands, self.rows)) + compact(sig)

    def unpack(self, sketch: bytes) -> tuple[bytes, list[int], bytes]:
        """``(fingerprint, bucket keys, stored 16-bit signature)`` of a non-empty :meth:`prepare` result."""
        return (sketch[:_FP_BYTES], list(self._buckets.unpack_from(sketch, _FP_BYTES)),
                sketch[_FP_BYTES + self._buckets.size:])

    # -- the pass ----------------------------------------------------------------------

    def process(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Yield the documents that are not duplicates, in input order (lazily)."""
        index = self.open_index()
        uf = self._uf
        assert uf is not None
        counts = self.counts
        cutoff = self.cutoff
        for doc in docs:
            counts["documents"] += 1
            sketch = self.take_prepared(doc)
            if not sketch:
                counts["empty"] += 1
                counts["kept"] += 1
                yield doc
                continue
            fp, buckets, blob = self.unpack(sketch)
            hit, candidates = index.lookup(fp, buckets)
            if hit is not None:
                root = uf.find(hit)
                sim = 1.0 if root == hit else estimate_jaccard(index.entry(hit).sig, index.entry(root).sig)
                counts["exact_duplicates"] += 1
                self._drop(doc, root, sim)
                continue
            sig16 = from_compact(blob)
            roots: set[int] = set()
            sigs: dict[int, np.ndarray] = {}
            for cand in candidates:
                counts["candidates_checked"] += 1
                if estimate_jaccard(sig16, cand.sig) >= cutoff:
                    counts["candidates_verified"] += 1
                    sigs[cand.key] = cand.sig
                    roots.add(uf.find(cand.key))
            if not roots:
                index.add(doc.id, fp, buckets, blob, None)
                counts["kept"] += 1
                yield doc
                continue
            # Attach to the earliest survivor this document itself verifies against; if
            # it verifies against none (matched through dropped members only), to the
            # most similar one.
            for root in roots.difference(sigs):  # survivors reached through dropped members
                sigs[root] = index.entry(root).sig
            best, similarity = pick_survivor(sig16, roots, sigs.__getitem__, cutoff)
            if len(roots) > 1:
                counts["bridges"] += 1
            if similarity < self.floor:
                # Matched only through dropped members of a cluster whose survivor is too
                # far away: dropping it would lose content the corpus does not hold.
                index.add(doc.id, fp, buckets, blob, None)
                counts["chain_kept"] += 1
                counts["kept"] += 1
                yield doc
                continue
            uf.attach(index.add(doc.id, fp, buckets, blob, best), best)
            counts["near_duplicates"] += 1
            self._drop(doc, best, similarity)

    def _drop(self, doc: Document, root: int, similarity: float) -> None:
        survivor = self._doc_id(root)
        self.duplicate(doc, of=survivor, similarity=similarity, cluster=survivor)

    def _doc_id(self, key: int) -> str:
        doc_id = self._ids.get(key)
        if doc_id is None:
            assert self._index is not None
            if len(self._ids) >= _ID_CACHE_LIMIT:
                self._ids.clear()
            doc_id = self._ids[key] = self._index.doc_id(key)
        return doc_id

    def stats(self) -> dict[str, Any]:
        """Counts for the run report (documents in = kept + exact + near duplicates)."""
        return {
            **self.counts,
            "duplicates": self.counts["exact_duplicates"] + self.counts["near_duplicates"],
            "threshold": self.threshold,
            "num_perm": self.num_perm,
            "bands": self.bands,
            "rows": self.rows,
            "verify_cutoff": round(self.cutoff, 4),
            "chain_floor": round(self.floor, 4),
            "backend": self.backend,
            "index": None if self.index_path is None else str(self.index_path),
        }
