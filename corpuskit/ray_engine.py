"""Run a clean on Ray: the same pipeline, plugins and outputs as :func:`corpuskit.run.run_clean`.

All Ray code of corpuskit lives in this module (Ray's API moves; the optional
dependency pins a minor version: ``pip install corpuskit[ray]`` → ``ray[data]>=2.60,<2.61``).

How a run is cut up
-------------------
The input files are grouped into **shards** (one Ray task per file, or per chunk of
small files, in input order). The stage list is cut into *operations*:

``map``
    consecutive per-document stages. They run inside the shard tasks, fused with the
    reading (corpuskit's own readers run in the tasks: faster than Ray Data's readers
    and the same documents, ids and read errors). Each worker process rebuilds the
    plugins from :attr:`corpuskit.manager.Plugins.spec` once per run (plugin managers
    do not pickle) and keeps its stage instances between tasks.
``dedup``
    the built-in near-duplicate stage, distributed: the shard tasks compute each
    document's fingerprint, MinHash signature and LSH band buckets with the stage's
    own functions; Ray Data groups the band rows by bucket (sort shuffle; rows are
    range-partitioned on a coarse key and each partition is processed with numpy);
    candidate pairs are verified with the stage's cut-off; the connected components
    are resolved on the driver over the verified edges only, in input order, which
    reproduces the streaming stage exactly (see :func:`_resolve`); a last wave of
    shard tasks drops the duplicates. With a persistent index (``dedup.index`` or
    the Redis backend) the stage itself runs on the driver instead (its index is a
    single file or server), and so does a subclass of it.
``driver``
    any other stage that is not per-document (third-party global stages): it runs
    on the driver over the documents in input order, unchanged.

Exactness: every document and every drop carries its input position (file number,
item number in the file); the driver writes the corpus shard by shard in input order
and each shard's rejects and duplicates sorted by (position, stage), which is the
order a single-process run writes them in. So the corpus, rejects and duplicates
files equal ``run_clean(..., workers=1)`` on the same inputs, and the report's counts
are the same. Outputs are written atomically on the driver: inputs must be readable
from every node (shared or replicated paths), outputs only from the driver.
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import math
import os
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corpuskit.__about__ import __version__
from corpuskit.atomic import OutputError
from corpuskit.context import RunContext
from corpuskit.document import Document
from corpuskit.inputs import InputError, InputFile, expand_inputs, select_shard
from corpuskit.manager import Plugins
from corpuskit.parallel import BATCH_SIZE, _batches
from corpuskit.pipeline import ConfigError, TimedIterator, build_stages, select_stage_names
from corpuskit.readers import ReaderOptions
from corpuskit.report import RunReport, StageStats
from corpuskit.run import (
    READ_STAGE,
    AccountingError,
    OutputPaths,
    Progress,
    RunOptions,
    _open_writer,
    _write_report,
    open_outputs,
    read_documents,
)
from corpuskit.sinks import CountingSink
from corpuskit.stage import Stage

if TYPE_CHECKING:
    import pyarrow as pa

#: The Ray versions this module is written against (the ``corpuskit[ray]`` extra).
RAY_REQUIREMENT = "ray[data]>=2.60,<2.61"

_POS_SHIFT = 32  # position = file number << 32 | item number in the file
_READ_OP = -1
_ROWS_PER_PARTITION = 250_000  # band rows per Ray Data group (one numpy pass each)
_FILES_PER_SHARD_MAX = 64
_CHUNK_DOCS = 2000  # documents per shard when few input files are cut up

Tag = tuple[int, int, int]  # (input position, operation number, emission number)
Event = tuple[Tag, str, Document, dict[str, Any]]


# ---------------------------------------------------------------------------------------
# The plan: operations over shards


@dataclass
class _Op:
    """One operation of the plan (see the module docstring)."""

    kind: str  # "map" | "dedup" | "driver"
    stages: list[Stage]
    index: int = 0

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]


def _exact_dedup(stage: Stage) -> bool:
    """True for the built-in dedup stage with a run-private index (distributable exactly)."""
    try:
        from corpuskit_plugins.dedup.stage import DedupStage
    except ImportError:  # pragma: no cover - the built-in plugins ship with corpuskit
        return False
    needed = ("signer", "bands", "rows", "ngram", "cutoff", "floor", "index_path", "backend")
    return (type(stage) is DedupStage and all(hasattr(stage, a) for a in needed)
            and stage.index_path is None  # type: ignore[attr-defined]
            and stage.backend == "file")  # type: ignore[attr-defined]


def plan_ops(stages: Sequence[Stage]) -> list[_Op]:
    """Cut ``stages`` into map / dedup / driver operations (consecutive per-document stages fuse)."""
    ops: list[_Op] = []
    for stage in stages:
        if stage.per_document:
            if ops and ops[-1].kind == "map":
                ops[-1].stages.append(stage)
            else:
                ops.append(_Op("map", [stage]))
        elif _exact_dedup(stage):
            ops.append(_Op("dedup", [stage]))
        else:
            ops.append(_Op("driver", [stage]))
    for i, op in enumerate(ops):
        op.index = i
    return ops


@dataclass
class _Shard:
    """A slice of the input in input order: its files, its documents and its drops so far."""

    number: int
    files: list[tuple[int, str, str, str | None]]  # (file number, path, root, reader name)
    low: int  # smallest position it can hold
    docs: Any = None  # ObjectRef of list[tuple[int, Document]]
    events: list[Any] = field(default_factory=list)  # ObjectRefs of list[Event]
    local_events: list[Event] = field(default_factory=list)
    count: int = 0
    rows: Any = None  # ObjectRef of the dedup band rows (pyarrow.Table)
    lookup: Any = None  # ObjectRef of the dedup lookup table (position, id, signature)


# ---------------------------------------------------------------------------------------
# Inside a worker process


class _TagSink:
    """Records drops with their input position, stage's operation and emission order."""

    def __init__(self, op_of: dict[str, int]) -> None:
        self.op_of = op_of
        self.pos = 0
        self.events: list[Event] = []

    def _tag(self, stage: str, doc: Document) -> Tag:
        pos = doc.position if doc.position is not None else self.pos
        return (pos, self.op_of.get(stage, _READ_OP), len(self.events))

    def reject(self, doc: Document, *, stage: str, reason: str) -> None:
        self.events.append((self._tag(stage, doc), "reject", doc, {"stage": stage, "reason": reason}))

    def duplicate(self, doc: Document, *, stage: str, of: str, similarity: float,
                  cluster: str | None) -> None:
        self.events.append((self._tag(stage, doc), "duplicate", doc,
                            {"stage": stage, "of": of, "similarity": similarity, "cluster": cluster}))


class _ReadSink:
    """Gives each read failure the next position in its file (documents take one each too)."""

    def __init__(self, tags: _TagSink, base: int) -> None:
        self.tags = tags
        self.next = base

    def reject(self, doc: Document, *, stage: str, reason: str) -> None:
        self.tags.pos = doc.position = self.next
        self.next += 1
        self.tags.reject(doc, stage=stage, reason=reason)

    def duplicate(self, doc: Document, *, stage: str, of: str, similarity: float,
                  cluster: str | None) -> None:  # pragma: no cover - readers never find duplicates
        self.tags.duplicate(doc, stage=stage, of=of, similarity=similarity, cluster=cluster)


@dataclass
class _Worker:
    """What one worker process keeps for one run: plugins, stage instances per operation, sink."""

    plugins: Plugins
    sink: _TagSink
    stages: dict[int, list[Stage]]


_WORKERS: dict[str, _Worker] = {}


def _worker(run: dict[str, Any]) -> _Worker:
    """This process's plugins and stages for ``run`` (built on first use, then reused)."""
    state = _WORKERS.get(run["token"])
    if state is None:
        from corpuskit.manager import load_plugins

        _WORKERS.clear()  # one run at a time per worker: forget earlier runs' stages
        plugins = load_plugins(**run["spec"])
        sink = _TagSink(run["op_of"])
        context = RunContext(registry=plugins.registry, events=sink, config=run["config"])
        stages: dict[int, list[Stage]] = {}
        for index, names in run["ops"].items():
            built = build_stages(plugins.registry, names, run["options"])
            for stage in built:
                stage.setup(context)
            stages[index] = built
        state = _WORKERS[run["token"]] = _Worker(plugins, sink, stages)
    return state


def _read(state: _Worker, files: list[tuple[int, str, str, str | None]], options: ReaderOptions,
          counts: dict[str, float]) -> Iterator[tuple[int, Document]]:
    registry = state.plugins.registry
    for number, path, root, reader in files:
        entry = registry.readers.get(reader) if reader is not None else None
        read_sink = _ReadSink(state.sink, number << _POS_SHIFT)
        start = time.perf_counter()
        source = read_documents(iter([InputFile(Path(path), root, entry)]), options, read_sink)
        for doc in source:
            pos = doc.position = read_sink.next
            read_sink.next += 1
            state.sink.pos = pos
            counts["read_seconds"] += time.perf_counter() - start
            counts["read_ok"] += 1
            yield pos, doc
            start = time.perf_counter()
        counts["read_seconds"] += time.perf_counter() - start


def _from_list(state: _Worker, docs: list[tuple[int, Document]]) -> Iterator[tuple[int, Document]]:
    for pos, doc in docs:
        state.sink.pos = doc.position = pos
        yield pos, doc


def _pulled(sink: _TagSink, docs: list[Document]) -> Iterator[Document]:
    for doc in docs:
        sink.pos = doc.position  # type: ignore[assignment]  # set by _read / _from_list
        yield doc


def _apply_stages(state: _Worker, stages: list[Stage], items: Iterator[tuple[int, Document]],
                  stats: dict[str, list[float]]) -> Iterator[tuple[int, Document]]:
    """Run ``stages`` over ``items`` a batch at a time, one stage after the other (as the local
    engine's segments do: each stage's tables stay in the CPU cache over the batch). A document
    keeps its ``position``; one a stage made anew takes the position of the last input pulled."""
    sink = state.sink
    rows = [stats.setdefault(stage.name, [0, 0, 0.0]) for stage in stages]
    clock = time.perf_counter
    for batch in _batches((doc for _, doc in items), BATCH_SIZE):
        for stage, row in zip(stages, rows, strict=True):
            start = clock()
            out = []
            for doc in stage.process(_pulled(sink, batch)):
                if doc.position is None:
                    doc.position = sink.pos
                out.append(doc)
            row[0] += len(batch)
            row[1] += len(out)
            row[2] += clock() - start
            batch = out
        for doc in batch:
            yield doc.position, doc  # type: ignore[misc]


def _band_rows(stage: Any, docs: list[tuple[int, Document]], counts: dict[str, float]) -> tuple[
        pa.Table, pa.Table]:
    """The dedup stage's fingerprint, signature and band buckets of each document, as Arrow tables.

    Each document's sketch is the stage's own :meth:`~corpuskit.Stage.prepare` result, so the
    local run and this engine cannot compute it differently. Returns the band rows (one per
    document and band: bucket, band, position, fingerprint, 16-bit signature) and the lookup
    table (position, id, 16-bit signature).
    """
    import pyarrow as pa

    start = time.perf_counter()
    signer, bands = stage.signer, stage.bands
    positions: list[int] = []
    ids: list[str] = []
    fps: list[bytes] = []
    sigs: list[bytes] = []
    buckets: list[list[int]] = []
    for pos, doc in docs:
        sketch = stage.prepare(doc)
        if not sketch:
            counts["empty"] += 1
            continue
        fp, keys, sig = stage.unpack(sketch)
        positions.append(pos)
        ids.append(doc.id)
        fps.append(fp)
        sigs.append(sig)
        buckets.append(keys)
    n = len(positions)
    width = 2 * signer.num_perm
    sig_bytes = b"".join(sigs)
    fp = np.frombuffer(b"".join(fps), dtype="<u8").reshape(n, 2) if n else np.zeros((0, 2), np.uint64)
    pos_arr = np.asarray(positions, dtype=np.int64)
    sig_col = pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), n, [None, pa.py_buffer(sig_bytes)])
    lookup = pa.table({"pos": pa.array(pos_arr), "id": pa.array(ids, pa.string()), "sig": sig_col})
    bucket_arr = np.asarray(buckets, dtype=np.int64).reshape(n, bands)
    rep = np.repeat(np.arange(n), bands)
    rows_sig = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), n * bands,
        [None, pa.py_buffer(np.frombuffer(sig_bytes, np.uint8).reshape(n, width)[rep].tobytes())])
    table = pa.table({
        "bucket": pa.array(bucket_arr.reshape(-1)),
        "band": pa.array(np.tile(np.arange(bands, dtype=np.int16), n)),
        "pos": pa.array(pos_arr[rep]),
        "fp0": pa.array(fp[rep, 0].astype(np.uint64)),
        "fp1": pa.array(fp[rep, 1].astype(np.uint64)),
        "sig": rows_sig,
    })
    counts["sign_seconds"] += time.perf_counter() - start
    return table, lookup


def _shard_task(run: dict[str, Any], kind: str, source: Any, steps: list[tuple[Any, ...]]
                ) -> tuple[list[tuple[int, Document]], list[Event], dict[str, Any], Any, Any]:
    """One shard through ``steps``: ``("stages", op)``, ``("sign", op)`` or ``("filter", op, drops)``.

    ``kind`` is ``"read"`` (``source``: the files) or ``"docs"`` (``source``: ``[(position,
    document), ...]``, passed as an object reference so Ray resolves it). Returns the
    surviving documents with their positions, the drops, counts, and the dedup tables (or None).
    """
    state = _worker(run)
    state.sink.events = []
    state.sink.pos = 0
    counts: dict[str, Any] = defaultdict(float)
    stats: dict[str, list[float]] = {}
    items: Iterator[tuple[int, Document]]
    if kind == "read":
        items = _read(state, source, run["reader_options"], counts)
    else:
        items = _from_list(state, source)
    rows = lookup = None
    for step in steps:
        if step[0] == "stages":
            items = _apply_stages(state, state.stages[step[1]], items, stats)
        elif step[0] == "filter":
            items = _filter(state, state.stages[step[1]][0], items, step[2])
        else:  # "sign": a barrier, the documents must all be here first
            docs = list(items)
            counts["dedup_in"] += len(docs)
            rows, lookup = _band_rows(state.stages[step[1]][0], docs, counts)
            items = iter(docs)
    out = list(items)
    counts["count"] = len(out)
    info = {"counts": dict(counts), "stats": stats}
    return out, state.sink.events, info, rows, lookup


def _read_chunks(run: dict[str, Any], files: list[tuple[int, str, str, str | None]], chunk_docs: int
                 ) -> tuple[list[tuple[int, int, Any, Any]], dict[str, Any]]:
    """Read ``files`` and cut them into chunks of ``chunk_docs`` documents, each put in the object
    store with its read failures: ``[(lowest position, documents, docs ref, events ref)]``.

    Used when there are fewer input files than CPUs (one big JSONL file): reading is
    sequential, but the stages then run on the chunks in parallel.
    """
    import ray

    state = _worker(run)
    state.sink.events = []
    counts: dict[str, Any] = defaultdict(float)
    chunks: list[tuple[int, int, Any, Any]] = []
    docs: list[tuple[int, Document]] = []
    low = files[0][0] << _POS_SHIFT

    def flush(next_low: int) -> None:
        nonlocal docs, low
        chunks.append((low, len(docs), ray.put(docs), ray.put(state.sink.events)))
        docs, low, state.sink.events = [], next_low, []

    for pos, doc in _read(state, files, run["reader_options"], counts):
        docs.append((pos, doc))
        if len(docs) >= chunk_docs:
            flush(pos + 1)
    if docs or state.sink.events or not chunks:
        flush(low)
    return chunks, {"counts": dict(counts), "stats": {}}


def _filter(state: _Worker, stage: Stage, items: Iterator[tuple[int, Document]],
            drops: dict[int, tuple[str, float]]) -> Iterator[tuple[int, Document]]:
    sink = state.sink
    for pos, doc in items:
        hit = drops.get(pos)
        if hit is None:
            yield pos, doc
            continue
        sink.pos = pos
        sink.duplicate(doc, stage=stage.name, of=hit[0], similarity=hit[1], cluster=hit[0])


def _candidate_pairs(table: pa.Table, cutoff: float, num_perm: int) -> pa.Table:
    """One partition of band rows → candidate pairs (verified or not) and exact duplicates.

    Output rows ``(kind, a, b, ok)``: kind 0 is a candidate pair ``a < b`` of indexed
    documents sharing a bucket, ``ok`` when the signatures' Jaccard estimate reaches the
    cut-off (exactly :func:`~corpuskit_plugins.dedup.signatures.estimate_jaccard`, vectorised);
    kind 1 is an exact duplicate ``b`` of the first document ``a`` with the same fingerprint.
    Documents with the same fingerprint share every bucket, so the first of each
    fingerprint in any bucket is its first in the whole input: that one is indexed, the
    others are exact duplicates and never candidates (as in the streaming stage).
    """
    import pyarrow as pa

    empty = pa.table({"kind": pa.array([], pa.int8()), "a": pa.array([], pa.int64()),
                      "b": pa.array([], pa.int64()), "ok": pa.array([], pa.bool_())})
    n = table.num_rows
    if n == 0:
        return empty
    bucket = table.column("bucket").to_numpy()
    band = table.column("band").to_numpy()
    pos = table.column("pos").to_numpy()
    fp0 = table.column("fp0").to_numpy()
    fp1 = table.column("fp1").to_numpy()
    order = np.lexsort((pos, fp1, fp0, bucket))
    bucket, band, pos, fp0, fp1 = bucket[order], band[order], pos[order], fp0[order], fp1[order]
    first = np.ones(n, dtype=bool)
    first[1:] = (bucket[1:] != bucket[:-1]) | (fp0[1:] != fp0[:-1]) | (fp1[1:] != fp1[:-1])
    run_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    exact = ~first & (band == 0)
    ex_a, ex_b = pos[run_start[exact]], pos[exact]
    # indexed rows, by bucket then position
    idx = np.flatnonzero(first)
    idx = idx[np.lexsort((pos[idx], bucket[idx]))]
    ib = bucket[idx]
    starts = np.flatnonzero(np.r_[True, ib[1:] != ib[:-1]])
    lengths = np.diff(np.r_[starts, len(idx)])
    left: list[np.ndarray] = []
    right: list[np.ndarray] = []
    two = starts[lengths == 2]
    left.append(idx[two])
    right.append(idx[two + 1])
    for s, k in zip(starts[lengths > 2].tolist(), lengths[lengths > 2].tolist(), strict=True):
        i, j = np.triu_indices(k, 1)
        left.append(idx[s + i])
        right.append(idx[s + j])
    li = order[np.concatenate(left)] if left else np.zeros(0, np.int64)
    ri = order[np.concatenate(right)] if right else np.zeros(0, np.int64)
    col = table.column("sig").combine_chunks()
    width = 2 * num_perm
    raw = np.frombuffer(col.buffers()[1], dtype=np.uint8)[col.offset * width:(col.offset + n) * width]
    sigs = raw.view("<u2").reshape(n, num_perm)
    ok = np.zeros(len(li), dtype=bool)
    chance = 1.0 / 65536.0
    for s in range(0, len(li), 65536):  # bounded temporary memory for big partitions
        agree = np.count_nonzero(sigs[li[s:s + 65536]] == sigs[ri[s:s + 65536]], axis=1) / num_perm
        ok[s:s + 65536] = np.maximum(0.0, (agree - chance) / (1.0 - chance)) >= cutoff
    pos_orig = table.column("pos").to_numpy()
    a, b = pos_orig[li], pos_orig[ri]
    return pa.table({
        "kind": pa.array(np.r_[np.zeros(len(a), np.int8), np.ones(len(ex_a), np.int8)]),
        "a": pa.array(np.r_[a, ex_a].astype(np.int64)),
        "b": pa.array(np.r_[b, ex_b].astype(np.int64)),
        "ok": pa.array(np.r_[ok, np.ones(len(ex_a), bool)]),
    })


def _add_partition(table: pa.Table, partitions: int) -> pa.Table:
    """The coarse grouping key: bucket modulo the number of partitions."""
    import pyarrow as pa

    part = (table.column("bucket").to_numpy() % partitions).astype(np.int32)
    return table.append_column("part", pa.array(part))


# ---------------------------------------------------------------------------------------
# On the driver


@dataclass
class _Resolved:
    """The dedup decisions: drops per position, and the counts for the report."""

    drops: dict[int, tuple[str, float]]
    counts: dict[str, int]


def _resolve(candidates: np.ndarray, verified: np.ndarray, exact: np.ndarray,
             fetch: Callable[[set[int]], dict[int, tuple[str, np.ndarray]]], cutoff: float,
             floor: float) -> _Resolved:
    """Replay the streaming stage's decisions over the verified edges, in input order.

    ``verified`` holds the verified candidate pairs ``a < b`` (positions of indexed
    documents), ``exact`` the pairs ``(first copy, exact duplicate)``. This mirrors
    :meth:`corpuskit_plugins.dedup.stage.DedupStage.process` decision for decision:
    clusters are stars around their survivors; document ``b`` looks at the survivors
    of its verified earlier neighbours, in position order, and joins the first whose
    own estimate reaches the cut-off (else the most similar); below the chain floor it
    is kept (``chain_kept``); an exact duplicate names its first copy's survivor.
    Only documents with an edge are visited, and only their 16-bit signatures are
    fetched (``fetch(positions)`` → ``{position: (id, signature)}``).
    """
    from corpuskit_plugins.dedup.clusters import pick_survivor
    from corpuskit_plugins.dedup.signatures import estimate_jaccard

    near: dict[int, list[int]] = defaultdict(list)
    for a, b in verified.tolist():
        near[b].append(a)
    firsts: dict[int, int] = dict(zip(exact[:, 1].tolist(), exact[:, 0].tolist(), strict=True))
    info = fetch(set(verified.reshape(-1).tolist()) | set(exact.reshape(-1).tolist()))
    center: dict[int, int] = {}  # dropped indexed document -> its survivor
    drops: dict[int, tuple[str, float]] = {}
    counts = dict.fromkeys(("exact_duplicates", "near_duplicates", "bridges", "chain_kept"), 0)
    for pos in sorted(set(near) | set(firsts)):
        if pos in firsts:
            hit: int = firsts[pos]
            root: int = center.get(hit, hit)
            sim = 1.0 if root == hit else estimate_jaccard(info[hit][1], info[root][1])
            drops[pos] = (info[root][0], sim)
            counts["exact_duplicates"] += 1
            continue
        sig = info[pos][1]
        roots = {center.get(a, a) for a in near[pos]}
        best, similarity = pick_survivor(sig, roots, lambda r: info[r][1], cutoff)
        if len(roots) > 1:
            counts["bridges"] += 1
        if similarity < floor:
            counts["chain_kept"] += 1
            continue
        center[pos] = best
        drops[pos] = (info[best][0], similarity)
        counts["near_duplicates"] += 1
    counts["candidates_checked"] = len(candidates)
    counts["candidates_verified"] = len(verified)
    return _Resolved(drops, counts)


def _unique_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if len(a) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.stack([a, b], axis=1), axis=0)


class _Ray:
    """The connection to Ray for one run (started here, or one already running)."""

    def __init__(self, address: str | None, num_cpus: int) -> None:
        import ray

        self.ray = ray
        self.started = False
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.WARNING,
                                      "log_to_driver": True}
            if address:
                ray.init(address=address, **kwargs)
            else:
                # a local Ray is this run's own: its workers should not yield to everything
                # else on the machine (Ray nices workers to 15 by default)
                os.environ.setdefault("RAY_worker_niceness", "0")
                ray.init(num_cpus=num_cpus, **kwargs)
            self.started = True
        self.cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self.task: Any = ray.remote(num_cpus=1, num_returns=5, max_retries=0)(_shard_task)

    def get(self, refs: Any) -> Any:
        """``ray.get`` that re-raises a task's own exception (ConfigError, OSError, …)."""
        try:
            return self.ray.get(refs)
        except self.ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, Exception):
                raise cause from None
            raise

    def close(self) -> None:
        if self.started:
            self.ray.shutdown()


def _shards_for(files: list[InputFile], cpus: int) -> list[_Shard]:
    """Group input files into shards: one file each, or chunks when there are many small ones."""
    per = max(1, min(_FILES_PER_SHARD_MAX, len(files) // (4 * cpus)))
    shards: list[_Shard] = []
    for start in range(0, len(files), per):
        chunk = [(start + i, str(f.path), f.root, f.reader.name if f.reader else None)
                 for i, f in enumerate(files[start:start + per])]
        shards.append(_Shard(len(shards), chunk, (start) << _POS_SHIFT))
    return shards


class _Engine:
    """One Ray run: the waves of shard tasks, the dedup resolution, the driver stages, the writing."""

    def __init__(self, rt: _Ray, run: dict[str, Any], ops: list[_Op], shards: list[_Shard],
                 context: RunContext) -> None:
        self.rt = rt
        self.run = run
        self.ops = ops
        self.shards = shards
        self.context = context
        self.lows = [s.low for s in shards]
        self.stage_rows: dict[str, list[float]] = {}
        self.extra: dict[str, dict[str, Any]] = {}
        self.read_ok = 0  # documents read
        self.read_seconds = 0.0
        self.read_done = False

    # -- waves of shard tasks --------------------------------------------------------------

    def _submit(self, shard: _Shard, steps: list[tuple[Any, ...]]) -> tuple[Any, ...]:
        if self.read_done:
            return tuple(self.rt.task.remote(self.run, "docs", shard.docs, steps))
        return tuple(self.rt.task.remote(self.run, "read", shard.files, steps))

    def _absorb(self, shard: _Shard, refs: tuple[Any, ...], info: dict[str, Any]) -> None:
        shard.docs = refs[0]
        shard.events.append(refs[1])
        shard.count = int(info["counts"]["count"])
        counts = info["counts"]
        self.read_ok += int(counts.get("read_ok", 0))
        self.read_seconds += float(counts.get("read_seconds", 0.0))
        for name, row in info["stats"].items():
            total = self.stage_rows.setdefault(name, [0, 0, 0.0])
            for i in range(3):
                total[i] += row[i]

    def wave(self, steps_for: Callable[[_Shard], list[tuple[Any, ...]]]) -> list[dict[str, Any]]:
        """Run every shard through its steps; results stay in the object store. Returns the infos."""
        refs = [self._submit(s, steps_for(s)) for s in self.shards]
        infos = self.rt.get([r[2] for r in refs])
        for shard, r, info in zip(self.shards, refs, infos, strict=True):
            self._absorb(shard, r, info)
            shard.rows, shard.lookup = r[3], r[4]
        self.read_done = True
        return infos

    def final_wave(self, steps_for: Callable[[_Shard], list[tuple[Any, ...]]]
                   ) -> Iterator[_Shard]:
        """Run the last wave with at most ``2 × CPUs`` shards in flight, yielding shards in order."""
        if not steps_for(self.shards[0]) and self.read_done:
            yield from self.shards
            return
        window = 2 * self.rt.cpus
        pending: list[tuple[_Shard, tuple[Any, ...]]] = []
        it = iter(self.shards)
        for shard in it:
            pending.append((shard, self._submit(shard, steps_for(shard))))
            if len(pending) >= window:
                break
        while pending:
            shard, refs = pending.pop(0)
            self._absorb(shard, refs, self.rt.get(refs[2]))
            nxt = next(it, None)
            if nxt is not None:
                pending.append((nxt, self._submit(nxt, steps_for(nxt))))
            yield shard
        self.read_done = True

    def split_read(self, chunk_docs: int) -> None:
        """Read the files in tasks that cut them into chunks, which become the shards."""
        task = self.rt.ray.remote(num_cpus=1, max_retries=0)(_read_chunks)
        results = self.rt.get([task.remote(self.run, s.files, chunk_docs) for s in self.shards])
        shards: list[_Shard] = []
        for chunks, info in results:
            counts = info["counts"]
            self.read_ok += int(counts.get("read_ok", 0))
            self.read_seconds += float(counts.get("read_seconds", 0.0))
            for low, count, docs, events in chunks:
                shards.append(_Shard(len(shards), [], low, docs, [events], count=count))
        self.shards = shards
        self.lows = [s.low for s in shards]
        self.read_done = True

    # -- dedup ---------------------------------------------------------------------------------

    def dedup(self, op: _Op, infos: list[dict[str, Any]]) -> dict[int, dict[int, tuple[str, float]]]:
        """Group band rows by bucket (Ray Data, sort shuffle), verify, resolve; drops per shard."""
        stage: Any = op.stages[0]
        start = time.perf_counter()
        total_rows = sum(s.count for s in self.shards) * stage.bands
        partitions = max(4 * self.rt.cpus, math.ceil(total_rows / _ROWS_PER_PARTITION))
        kinds: list[np.ndarray] = []
        aa: list[np.ndarray] = []
        bb: list[np.ndarray] = []
        oks: list[np.ndarray] = []
        signed = sum(int(i["counts"].get("dedup_in", 0) - i["counts"].get("empty", 0)) for i in infos)
        if signed > 1:
            self._pairs(stage, partitions, kinds, aa, bb, oks)
        kind = np.concatenate(kinds) if kinds else np.zeros(0, np.int8)
        a = np.concatenate(aa) if aa else np.zeros(0, np.int64)
        b = np.concatenate(bb) if bb else np.zeros(0, np.int64)
        ok = np.concatenate(oks) if oks else np.zeros(0, bool)
        near = kind == 0
        candidates = _unique_pairs(a[near], b[near])
        verified = _unique_pairs(a[near & ok], b[near & ok])
        exact = _unique_pairs(a[~near], b[~near])
        resolved = _resolve(candidates, verified, exact, self._fetch, stage.cutoff, stage.floor)
        for s in self.shards:  # the band rows are no longer needed
            s.rows = None
        counts: dict[str, float] = defaultdict(float)
        for info in infos:
            for k, v in info["counts"].items():
                counts[k] += v
        documents = int(counts["dedup_in"])
        dups = resolved.counts["exact_duplicates"] + resolved.counts["near_duplicates"]
        seconds = counts["sign_seconds"] + time.perf_counter() - start
        self.stage_rows[stage.name] = [documents, documents - dups, seconds]
        self.extra[stage.name] = {
            **stage.stats(), **resolved.counts, "documents": documents, "kept": documents - dups,
            "empty": int(counts["empty"]), "duplicates": dups, "engine": "ray",
        }
        per_shard: dict[int, dict[int, tuple[str, float]]] = defaultdict(dict)
        for pos, drop in resolved.drops.items():
            per_shard[self._shard_of(pos)][pos] = drop
        return per_shard

    def _pairs(self, stage: Any, partitions: int, kinds: list[np.ndarray], aa: list[np.ndarray],
               bb: list[np.ndarray], oks: list[np.ndarray]) -> None:
        """The Ray Data part: band rows grouped by bucket partition → candidate and exact pairs."""
        import ray.data
        from ray.data import DataContext
        from ray.data.context import ShuffleStrategy

        ctx = DataContext.get_current()
        saved = (ctx.shuffle_strategy, ctx.enable_progress_bars)
        ctx.shuffle_strategy = ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
        ctx.enable_progress_bars = False
        data_log = logging.getLogger("ray.data")
        level = data_log.level
        data_log.setLevel(logging.ERROR)
        try:
            ds: Any = ray.data.from_arrow_refs([s.rows for s in self.shards])
            ds = ds.map_batches(_add_partition, batch_format="pyarrow", batch_size=None,
                                fn_kwargs={"partitions": partitions})
            pairs: Any = ds.groupby("part").map_groups(
                _candidate_pairs, batch_format="pyarrow",
                fn_kwargs={"cutoff": stage.cutoff, "num_perm": stage.num_perm})
            batch: Any
            for batch in pairs.iter_batches(batch_format="pyarrow", batch_size=None):
                kinds.append(batch.column("kind").to_numpy())
                aa.append(batch.column("a").to_numpy())
                bb.append(batch.column("b").to_numpy())
                oks.append(batch.column("ok").to_numpy(zero_copy_only=False))
        finally:
            ctx.shuffle_strategy, ctx.enable_progress_bars = saved
            data_log.setLevel(level)

    def _shard_of(self, pos: int) -> int:
        return bisect.bisect_right(self.lows, pos) - 1

    def _fetch(self, positions: set[int]) -> dict[int, tuple[str, np.ndarray]]:
        """Ids and 16-bit signatures of ``positions``, one shard's lookup table at a time."""
        by_shard: dict[int, list[int]] = defaultdict(list)
        for pos in positions:
            by_shard[self._shard_of(pos)].append(pos)
        out: dict[int, tuple[str, np.ndarray]] = {}
        for number, wanted in sorted(by_shard.items()):
            table = self.rt.get(self.shards[number].lookup)
            pos = table.column("pos").to_numpy()
            rows = np.flatnonzero(np.isin(pos, np.asarray(wanted, dtype=np.int64)))
            ids = table.column("id").to_pylist()
            col = table.column("sig").combine_chunks()
            for r in rows.tolist():
                out[int(pos[r])] = (ids[r], np.frombuffer(col[r].as_py(), dtype="<u2"))
        return out

    # -- driver stages -------------------------------------------------------------------------

    def driver(self, op: _Op) -> None:
        """Run a global stage on the driver over the documents in input order; re-shard its output."""
        stage = op.stages[0]
        sink = _TagSink({stage.name: op.index})
        stage.setup(RunContext(registry=self.context.registry, events=sink, config=self.context.config))
        fetched = [0.0]

        def feed() -> Iterator[Document]:
            for shard in self.shards:
                t0 = time.perf_counter()
                docs = self.rt.get(shard.docs)
                fetched[0] += time.perf_counter() - t0
                for pos, doc in docs:
                    sink.pos = pos
                    yield doc

        outputs: dict[int, list[tuple[int, Document]]] = defaultdict(list)
        n_in = TimedIterator(feed())
        start = time.perf_counter()
        out = 0
        for doc in stage.process(n_in):
            outputs[self._shard_of(sink.pos)].append((sink.pos, doc))
            out += 1
        stage.close()
        seconds = time.perf_counter() - start - fetched[0]
        for event in sink.events:
            self.shards[self._shard_of(event[0][0])].local_events.append(event)
        for shard in self.shards:
            docs = outputs.pop(shard.number, [])
            shard.docs = self.rt.ray.put(docs)
            shard.count = len(docs)
        self.stage_rows[stage.name] = [n_in.count, out, seconds]
        extra = getattr(stage, "stats", None)
        if callable(extra):
            self.extra[stage.name] = dict(extra())


def run_clean_ray(
    inputs: Sequence[str],
    paths: OutputPaths,
    plugins: Plugins,
    options: RunOptions,
    *,
    address: str | None = None,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
) -> RunReport:
    """:func:`corpuskit.run.run_clean` on Ray: same outputs, written atomically on the driver.

    ``address`` is an existing cluster (``ray://head:10001`` or ``auto``); without it a
    local Ray is started with ``options.workers`` CPUs (all cores when 0 or 1) and
    stopped at the end. When Ray is already initialised in this process it is used as
    is. Inputs must be files (not stdin) readable under the same paths on every node.
    Raises what :func:`run_clean` raises; a ``ConfigError`` when Ray is not installed.
    """
    started = time.perf_counter()
    registry = plugins.registry
    names = select_stage_names(registry, options.stages, options.skip)
    stages = build_stages(registry, names, options.stage_options)
    config = {"stages": names, "stage_options": options.stage_options, "inputs": list(inputs)}
    if "-" in inputs:
        raise ConfigError("the Ray engine reads files: standard input ('-') needs --engine local")
    files = list(select_shard(expand_inputs(inputs, registry, options.reader), options.shard))
    try:
        import ray  # noqa: F401
    except ImportError:
        raise ConfigError(f"--engine ray needs Ray: pip install 'corpuskit[ray]' ({RAY_REQUIREMENT})"
                          ) from None
    ops = plan_ops(stages)
    main, sinks, events, stream = open_outputs(paths, warn)
    context = RunContext(registry=registry, events=events, config=config)
    rt: _Ray | None = None
    try:
        writer = _open_writer(plugins, options.writer, paths.output, stream)
        plugins.manager.hook.corpuskit_pipeline_start(config=config, stages=names)
        cpus = options.workers if options.workers > 1 else (os.cpu_count() or 1)
        rt = _Ray(address, cpus)
        run = {
            "token": uuid.uuid4().hex, "spec": plugins.spec, "config": config,
            "options": options.stage_options, "reader_options": options.reader_options,
            "ops": {op.index: op.names for op in ops if op.kind in ("map", "dedup")},
            "op_of": {s.name: op.index for op in ops for s in op.stages},
        }
        engine = _Engine(rt, run, ops, _shards_for(files, rt.cpus), context)
        if 0 < len(engine.shards) < 2 * rt.cpus and ops:
            engine.split_read(_CHUNK_DOCS)
        kept = _execute(engine, ops, writer, events, progress, paths)
        report = _report(engine, stages, events, kept, started, paths, config)
        if not report.balanced:
            raise AccountingError(f"documents went missing: {report.summary()}")
        sinks.commit()
        _write_report(report, paths.report)
        if main is not None:
            main.commit()
        else:
            with contextlib.suppress(BrokenPipeError):
                sys.stdout.buffer.flush()
    except BaseException:
        sinks.abort()
        if main is not None:
            main.abort()
        raise
    finally:
        if rt is not None:
            rt.close()
    plugins.manager.hook.corpuskit_pipeline_finish(report=report)
    return report


def _execute(engine: _Engine, ops: list[_Op], writer: Any, events: CountingSink,
             progress: Progress | None, paths: OutputPaths) -> int:
    """Run the plan wave by wave and write the corpus and drops in input order; returns kept."""
    if not engine.shards:
        writer.close()
        return 0
    pending: list[tuple[Any, ...]] = []
    drops: dict[int, dict[int, tuple[str, float]]] = {}
    for op in ops:
        if op.kind == "map":
            pending.append(("stages", op.index))
        elif op.kind == "dedup":
            steps = [*pending, ("sign", op.index)]
            infos = engine.wave(partial(_bind, steps, drops))
            drops = engine.dedup(op, infos)
            pending = [("filter_from", op.index)]
        else:
            if pending or not engine.read_done:
                engine.wave(partial(_bind, list(pending), drops))
                pending = []
            engine.driver(op)
    kept = 0
    last = 0.0
    dropped = 0
    for shard in engine.final_wave(partial(_bind, pending, drops)):
        docs = engine.rt.get(shard.docs) if shard.count else []
        shard_events = [e for ref in shard.events for e in engine.rt.get(ref)] + shard.local_events
        shard_events.sort(key=lambda e: e[0])
        for _, kind, doc, info in shard_events:
            if kind == "reject":
                events.reject(doc, **info)
            else:
                events.duplicate(doc, **info)
        dropped += len(shard_events)
        for _, doc in docs:
            try:
                writer.write(doc.to_record())
            except OSError as exc:
                raise OutputError(f"cannot write {paths.output}: {exc.strerror or exc}") from exc
            kept += 1
        shard.docs = None
        shard.events = []
        shard.local_events = []
        if progress is not None and (now := time.perf_counter()) - last > 0.2:
            last = now
            progress(engine.read_ok + events.rejected[READ_STAGE], kept, dropped)
    try:
        writer.close()
    except OSError as exc:
        raise OutputError(f"cannot write {paths.output}: {exc.strerror or exc}") from exc
    return kept


def _bind(steps: list[tuple[Any, ...]], drops: dict[int, dict[int, tuple[str, float]]], shard: _Shard
          ) -> list[tuple[Any, ...]]:
    """The steps of one shard: a pending dedup filter gets that shard's drops."""
    return [("filter", s[1], drops.get(shard.number, {})) if s[0] == "filter_from" else s for s in steps]


def _report(engine: _Engine, stages: list[Stage], events: CountingSink, kept: int, started: float,
            paths: OutputPaths, config: dict[str, Any]) -> RunReport:
    read_ok = engine.read_ok
    read_failed = events.rejected[READ_STAGE]
    read = StageStats(READ_STAGE, read_ok + read_failed, read_ok, read_failed, seconds=engine.read_seconds,
                      reasons=events.reasons[READ_STAGE])
    stats = []
    for stage in stages:
        n_in, n_out, secs = engine.stage_rows.get(stage.name, [0, 0, 0.0])
        st = StageStats(stage.name, int(n_in), int(n_out), seconds=float(secs),
                        rejected=events.rejected[stage.name], duplicates=events.duplicates[stage.name],
                        reasons=events.reasons[stage.name], extra=engine.extra.get(stage.name, {}))
        if st.docs_in != st.docs_out + st.rejected + st.duplicates:
            raise AccountingError(
                f"stage {st.name!r} lost documents: {st.docs_in} in, {st.docs_out} out, "
                f"{st.rejected} rejected, {st.duplicates} duplicates")
        stats.append(st)
    return RunReport(
        version=__version__, stages=[read, *stats], documents_in=read_ok + read_failed, kept=kept,
        duplicates=events.total_duplicates, rejected=events.total_rejected,
        seconds=time.perf_counter() - started, outputs=paths.as_dict(), config={**config, "engine": "ray"})


__all__ = ["RAY_REQUIREMENT", "InputError", "plan_ops", "run_clean_ray"]
