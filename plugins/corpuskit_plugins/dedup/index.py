"""Where signatures and LSH buckets live: a single SQLite file, or a shared Redis.

Both backends store, per indexed document: a key (an integer allocated in input
order), its id, its cluster parent (``None`` when it is a root), its 16-bit signature
(see :mod:`.signatures`), one 64-bit bucket hash per LSH band, and the fingerprint
of its normalised text (for the exact-duplicate fast path). A ``meta`` record holds
the parameters the index was built with; opening it with other parameters raises
:class:`IndexMismatch` rather than silently never matching.

SQLite (default, ``backend="file"``): one file, no server. Everything a run adds is
one transaction, committed by :meth:`SqliteIndex.close` and rolled back by
:meth:`SqliteIndex.abort`; a crash leaves the file as the previous run left it.
Tables: ``docs(key, id, root, sig)``, ``bands(bucket, key)`` and ``exact(fp, key)``,
the last two ``WITHOUT ROWID`` so each row is stored once (no separate index). With
path and ``backend="file"`` the stage uses :class:`MemoryIndex` instead.

In memory (the run-private index, no path): nothing outlives the run, so nothing
is written to SQLite at all. Band buckets live in one sorted numpy array searched
with ``searchsorted`` plus a small dict of recent entries merged into it now and
then; signatures, fingerprints and parents in flat arrays. About 600 bytes per
indexed document (21 bands × 12 bytes, the 256-byte signature, id, fingerprint),
and 10× less parent time per document than the SQLite file.

Redis (``backend="redis"``): for teams sharing one index. Keys under a prefix:
``P:meta`` (JSON of the parameters), ``P:seq`` (key counter), ``P:x`` (hash fp → key), ``P:d`` (hash
key → packed record), ``P:b:<bucket>`` (set of keys). Writes go out per document
(one pipelined round trip), so concurrent runs see each other; there is no
run-level rollback.
"""

from __future__ import annotations

import json
import sqlite3
import struct
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from corpuskit_plugins.dedup.signatures import from_compact


class IndexMismatch(ValueError):
    """The index on disk/in Redis was built with different parameters."""


class IndexUnavailable(RuntimeError):
    """The Redis server behind the index cannot be reached."""


class IndexBusy(RuntimeError):
    """Another run holds the index file (one writer at a time; use Redis to share)."""


@dataclass(slots=True)
class Entry:
    """One indexed document as a query sees it."""

    key: int
    parent: int | None
    sig: np.ndarray


class Index(Protocol):
    """What the dedup stage needs from a backend."""

    def check_meta(self, meta: dict[str, str]) -> None: ...

    def find_exact(self, fp: bytes) -> int | None: ...

    def lookup(self, fp: bytes, buckets: list[int]) -> tuple[int | None, list[Entry]]: ...

    def candidates(self, buckets: list[int]) -> list[Entry]: ...

    def entry(self, key: int) -> Entry: ...

    def parent(self, key: int) -> int | None: ...

    def doc_id(self, key: int) -> str: ...

    def add(self, doc_id: str, fp: bytes, buckets: list[int], sig: bytes, parent: int | None) -> int: ...

    def add_exact(self, fp: bytes, key: int) -> None: ...

    def set_parent(self, key: int, parent: int) -> None: ...

    def count(self) -> int: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


def _check(stored: dict[str, str], wanted: dict[str, str], where: str, against: str = "run uses") -> None:
    diff = {k: (stored.get(k), v) for k, v in wanted.items() if stored.get(k) != v}
    if diff:
        detail = ", ".join(f"{k}: index has {a!r}, {against} {b!r}" for k, (a, b) in sorted(diff.items()))
        raise IndexMismatch(f"dedup index {where} was built with other parameters ({detail})")


#: The tables of a SQLite index (also used by :mod:`.merge` to create a merged file).
SCHEMA: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS docs(key INTEGER PRIMARY KEY, id TEXT NOT NULL, "
    "root INTEGER, sig BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS bands(bucket INTEGER NOT NULL, key INTEGER NOT NULL, "
    "PRIMARY KEY(bucket, key)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS exact(fp BLOB PRIMARY KEY, key INTEGER NOT NULL) WITHOUT ROWID",
)


class SqliteIndex:
    """The embedded single-file backend (see the module docstring).

    Writes are buffered for ``flush_every`` documents in small dicts that queries
    consult too, then written with ``executemany`` (about 4× cheaper than one
    statement per row); memory stays bounded by the buffer.
    """

    def __init__(self, path: str | Path | None = None, cache_mb: int = 64, flush_every: int = 2000,
                 busy_timeout_s: float = 5.0) -> None:
        self.path = None if path is None else Path(path)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # (check_same_thread off: the runner may close the stage from another thread;
        # the connection is never used concurrently)
        self._db = sqlite3.connect("" if self.path is None else str(self.path), isolation_level=None,
                                   timeout=busy_timeout_s, check_same_thread=False)
        db = self._db
        db.execute(f"PRAGMA cache_size=-{int(cache_mb) * 1024}")
        db.execute("PRAGMA synchronous=NORMAL")
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            db.close()
            raise IndexBusy(f"dedup index {self.path} is in use by another run ({exc})") from exc
        for statement in SCHEMA:
            db.execute(statement)
        self._next_key = int(db.execute("SELECT coalesce(max(key), 0) + 1 FROM docs").fetchone()[0])
        self._flush_every = flush_every
        # The write buffer: key -> [id, parent, sig blob]; bucket -> keys; fp -> key.
        self._docs: dict[int, list[Any]] = {}
        self._bands: dict[int, list[int]] = {}
        self._exact: dict[bytes, int] = {}
        self._updates: dict[int, int] = {}
        self._queries: dict[int, str] = {}
        self._closed = False

    def check_meta(self, meta: dict[str, str]) -> None:
        """Record ``meta`` in a new index, or check it against an existing one."""
        stored = dict(self._db.execute("SELECT k, v FROM meta").fetchall())
        if not stored:
            self._db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
            return
        _check(stored, meta, str(self.path))

    def find_exact(self, fp: bytes) -> int | None:
        key = self._exact.get(fp)
        if key is not None:
            return key
        row = self._db.execute("SELECT key FROM exact WHERE fp = ?", (fp,)).fetchone()
        return None if row is None else int(row[0])

    def lookup(self, fp: bytes, buckets: list[int]) -> tuple[int | None, list[Entry]]:
        """``(key, [])`` for an exact duplicate of indexed document ``key``, else
        ``(None, candidates(buckets))``: one query for both (the exact row first)."""
        key = self._exact.get(fp)
        if key is not None:
            return key, []
        sql = self._queries.get(-len(buckets))
        if sql is None:
            marks = ",".join("?" * len(buckets))
            sql = self._queries[-len(buckets)] = (
                "SELECT key, -1, NULL FROM exact WHERE fp = ? UNION ALL "
                "SELECT d.key, d.root, d.sig FROM docs d WHERE d.key IN "
                f"(SELECT key FROM bands WHERE bucket IN ({marks}))"
            )
        rows = self._db.execute(sql, (fp, *buckets)).fetchall()
        if rows and rows[0][2] is None:
            return int(rows[0][0]), []
        out = [Entry(k, r, from_compact(s)) for k, r, s in rows]
        if self._bands:
            pending = {k for b in buckets for k in self._bands.get(b, ())}
            for k in sorted(pending):
                _, parent, sig = self._docs[k]
                out.append(Entry(k, parent, from_compact(sig)))
        return None, out

    def candidates(self, buckets: list[int]) -> list[Entry]:
        sql = self._queries.get(len(buckets))
        if sql is None:
            marks = ",".join("?" * len(buckets))
            sql = self._queries[len(buckets)] = (
                "SELECT d.key, d.root, d.sig FROM docs d WHERE d.key IN "
                f"(SELECT key FROM bands WHERE bucket IN ({marks}))"
            )
        out = [Entry(k, r, from_compact(s)) for k, r, s in self._db.execute(sql, buckets)]
        if self._bands:
            pending = {k for b in buckets for k in self._bands.get(b, ())}
            for k in sorted(pending):
                _, parent, sig = self._docs[k]
                out.append(Entry(k, parent, from_compact(sig)))
        return out

    def _row(self, key: int) -> tuple[str, int | None, bytes] | None:
        pending = self._docs.get(key)
        if pending is not None:
            return pending[0], pending[1], pending[2]
        row = self._db.execute("SELECT id, root, sig FROM docs WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        parent = self._updates.get(key, row[1])
        return row[0], parent, row[2]

    def entry(self, key: int) -> Entry:
        row = self._row(key)
        if row is None:
            raise KeyError(key)
        return Entry(key, row[1], from_compact(row[2]))

    def parent(self, key: int) -> int | None:
        row = self._row(key)
        return None if row is None else row[1]

    def doc_id(self, key: int) -> str:
        row = self._row(key)
        if row is None:
            raise KeyError(key)
        return str(row[0])

    def add(self, doc_id: str, fp: bytes, buckets: list[int], sig: bytes, parent: int | None) -> int:
        key = self._next_key
        self._next_key += 1
        self._docs[key] = [doc_id, parent, sig]
        for b in buckets:
            keys = self._bands.get(b)
            if keys is None:
                self._bands[b] = [key]
            else:
                keys.append(key)
        self._exact.setdefault(fp, key)
        if len(self._docs) >= self._flush_every:
            self.flush()
        return key

    def add_exact(self, fp: bytes, key: int) -> None:
        self._exact.setdefault(fp, key)

    def set_parent(self, key: int, parent: int) -> None:
        pending = self._docs.get(key)
        if pending is not None:
            pending[1] = parent
        else:
            self._updates[key] = parent

    def flush(self) -> None:
        """Write the buffer into the (still uncommitted) transaction."""
        db = self._db
        if self._docs:
            db.executemany(
                "INSERT INTO docs(key, id, root, sig) VALUES (?, ?, ?, ?)",
                [(k, d[0], d[1], d[2]) for k, d in self._docs.items()],
            )
            db.executemany(
                "INSERT OR IGNORE INTO bands VALUES (?, ?)",
                [(b, k) for b, keys in self._bands.items() for k in keys],
            )
        if self._exact:
            db.executemany("INSERT OR IGNORE INTO exact VALUES (?, ?)", list(self._exact.items()))
        if self._updates:
            db.executemany(
                "UPDATE docs SET root = ? WHERE key = ?", [(p, k) for k, p in self._updates.items()]
            )
        self._docs.clear()
        self._bands.clear()
        self._exact.clear()
        self._updates.clear()

    def count(self) -> int:
        self.flush()
        return int(self._db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def close(self) -> None:
        """Write the buffer, commit everything this run added (one transaction) and close."""
        if not self._closed:
            self.flush()
            self._closed = True
            self._db.execute("COMMIT")
            self._db.close()

    def abort(self) -> None:
        """Forget everything this run added (the file stays as it was) and close."""
        if not self._closed:
            self._closed = True
            self._db.execute("ROLLBACK")
            self._db.close()


class MemoryIndex:
    """The run-private backend: everything in memory, gone at the end (see the module docstring).

    Keys are 1, 2, … in the order documents are added. ``sig_bytes`` is the size of a
    stored signature. Buckets: the sorted arrays ``_bucket``/``_key`` plus the dict
    ``_recent`` (bucket → key, or list of keys) of entries not merged yet (also kept
    in the append-only arrays ``_new_bucket``/``_new_key`` for a cheap merge). Only
    band buckets are kept per bucket; the exact fast path looks among the band
    candidates for an equal fingerprint (equal normalised words give equal buckets,
    and a run-private index holds each fingerprint once: exact duplicates are never
    added).
    """

    #: Merge recent entries once there are this many, or 1/32 of the merged ones (at most 2**17:
    #: the dict of recent entries costs ~100 bytes per entry).
    MERGE_MIN = 1 << 16
    MERGE_MAX = 1 << 17
    MERGE_FRACTION = 32

    def __init__(self, sig_bytes: int = 256) -> None:
        self._w = sig_bytes
        self._clear()

    def _clear(self) -> None:
        """Start empty (also what :meth:`abort` leaves)."""
        # ids as one UTF-8 buffer and end offsets: ~70 bytes per document less than a list of str
        self._ids = bytearray()
        self._id_ends = array("q")
        self._parents = array("q")
        self._sigs = bytearray()
        self._fps = bytearray()
        self._bucket = np.empty(0, dtype=np.int64)
        self._key = np.empty(0, dtype=np.int32)  # a run-private index stays far below 2**31 keys
        self._recent: dict[int, Any] = {}
        self._new_bucket = array("q")
        self._new_key = array("i")
        self._extra_exact: dict[bytes, int] = {}

    def check_meta(self, meta: dict[str, str]) -> None:
        """Nothing to check: the index was made by this run."""

    def _keys(self, buckets: list[int]) -> list[int]:
        """The distinct keys filed under any of ``buckets``, ascending."""
        keys: set[int] = set()
        recent = self._recent
        if recent:
            for b in recent.keys() & buckets:  # one C-level pass: most buckets are new
                v = recent[b]
                if type(v) is int:
                    keys.add(v)
                else:
                    keys.update(v)
        merged = self._bucket
        if len(merged):
            q = np.array(buckets, dtype=np.int64)
            lo = merged.searchsorted(q)
            found = (merged.take(lo, mode="clip") == q).nonzero()[0]
            if len(found):
                hi = merged.searchsorted(q[found], side="right")
                for start, stop in zip(lo[found].tolist(), hi.tolist(), strict=True):
                    keys.update(self._key[start:stop].tolist())
        return sorted(keys)

    def find_exact(self, fp: bytes) -> int | None:
        """Slow path (a scan) for callers outside the stage; the stage uses :meth:`lookup`."""
        key = self._extra_exact.get(fp)
        if key is not None:
            return key
        fps = self._fps
        for i in range(0, len(fps), 16):
            if fps[i:i + 16] == fp:
                return i // 16 + 1
        return None

    def lookup(self, fp: bytes, buckets: list[int]) -> tuple[int | None, list[Entry]]:
        """``(key, [])`` for an exact duplicate of indexed document ``key``, else
        ``(None, candidates)``: the documents sharing a band bucket with ``buckets``."""
        keys = self._keys(buckets)
        fps = self._fps
        for k in keys:
            if fps[16 * (k - 1):16 * k] == fp:
                return k, []
        hit = self._extra_exact.get(fp) if self._extra_exact else None
        if hit is not None:
            return hit, []
        return None, [self.entry(k) for k in keys]

    def candidates(self, buckets: list[int]) -> list[Entry]:
        return [self.entry(k) for k in self._keys(buckets)]

    def entry(self, key: int) -> Entry:
        if not 0 < key <= len(self._id_ends):
            raise KeyError(key)
        parent = self._parents[key - 1]
        w = self._w
        sig = from_compact(bytes(self._sigs[w * (key - 1):w * key]))
        return Entry(key, None if parent < 0 else parent, sig)

    def parent(self, key: int) -> int | None:
        if not 0 < key <= len(self._id_ends):
            return None
        parent = self._parents[key - 1]
        return None if parent < 0 else parent

    def doc_id(self, key: int) -> str:
        ends = self._id_ends
        if not 0 < key <= len(ends):
            raise KeyError(key)
        return self._ids[ends[key - 2] if key > 1 else 0:ends[key - 1]].decode("utf-8", "surrogatepass")

    def add(self, doc_id: str, fp: bytes, buckets: list[int], sig: bytes, parent: int | None) -> int:
        if len(sig) != self._w or len(fp) != 16:
            raise ValueError(f"signature of {len(sig)} bytes (index holds {self._w}) "
                             f"or fingerprint of {len(fp)} bytes")
        self._ids += doc_id.encode("utf-8", "surrogatepass")
        self._id_ends.append(len(self._ids))
        key = len(self._id_ends)
        self._parents.append(-1 if parent is None else parent)
        self._sigs += sig
        self._fps += fp
        recent = self._recent
        fresh = dict.fromkeys(buckets, key)
        if len(fresh) == len(buckets) and recent.keys().isdisjoint(fresh):
            recent.update(fresh)  # the usual case, without a Python-level loop
        else:
            for b in buckets:
                v = recent.get(b)
                if v is None:
                    recent[b] = key
                elif type(v) is int:
                    recent[b] = [v, key]
                else:
                    v.append(key)
        self._new_bucket.extend(buckets)
        self._new_key.extend([key] * len(buckets))
        if len(self._new_bucket) >= min(max(self.MERGE_MIN, len(self._bucket) // self.MERGE_FRACTION),
                                         self.MERGE_MAX):
            self._merge()
        return key

    def _merge(self) -> None:
        """Fold the recent entries into the sorted arrays (keys stay ascending within a bucket)."""
        nb = np.frombuffer(self._new_bucket, dtype=np.int64)
        nk = np.frombuffer(self._new_key, dtype=np.intc).astype(np.int32)
        order = np.argsort(nb, kind="stable")
        nb, nk = nb[order], nk[order]
        at = np.searchsorted(self._bucket, nb, side="right")
        self._bucket = np.insert(self._bucket, at, nb)
        self._key = np.insert(self._key, at, nk)
        del nb, nk, order
        self._recent = {}
        self._new_bucket = array("q")
        self._new_key = array("i")

    def add_exact(self, fp: bytes, key: int) -> None:
        self._extra_exact.setdefault(fp, key)

    def set_parent(self, key: int, parent: int) -> None:
        if 0 < key <= len(self._id_ends):
            self._parents[key - 1] = parent

    def count(self) -> int:
        return len(self._id_ends)

    def close(self) -> None:
        """Forget everything (the index was private to the run)."""
        self.abort()

    def abort(self) -> None:
        self._clear()


_RECORD = struct.Struct("<qH")  # parent (-1: root), signature length in bytes


class RedisIndex:
    """The shared Redis backend (see the module docstring)."""

    def __init__(self, url: str = "redis://localhost:6379/0", prefix: str = "corpuskit:dedup",
                 key_block: int = 256) -> None:
        import redis  # optional dependency: corpuskit[redis]

        self._r: Any = redis.Redis.from_url(url)
        self._url = url
        self._p = prefix
        self._key_block = key_block
        self._next_key = 0
        self._last_key = -1

    def _k(self, suffix: str) -> str:
        return f"{self._p}:{suffix}"

    def _bucket(self, bucket: int) -> bytes:
        return self._p.encode() + b":b:" + struct.pack("<q", bucket)

    def check_meta(self, meta: dict[str, str]) -> None:
        import redis

        key = self._k("meta")
        wanted = json.dumps(meta, sort_keys=True)
        try:
            created = self._r.set(key, wanted, nx=True)  # atomic: the first opener records it
        except redis.ConnectionError as exc:
            raise IndexUnavailable(f"dedup index: cannot reach Redis at {self._url}: {exc}") from exc
        if created:
            return
        stored = json.loads(self._r.get(key))
        _check(stored, meta, f"{self._p!r} in Redis")

    def find_exact(self, fp: bytes) -> int | None:
        value = self._r.hget(self._k("x"), fp)
        return None if value is None else int(value)

    def lookup(self, fp: bytes, buckets: list[int]) -> tuple[int | None, list[Entry]]:
        hit = self.find_exact(fp)
        return (hit, []) if hit is not None else (None, self.candidates(buckets))

    @staticmethod
    def _unpack(key: int, blob: bytes) -> tuple[Entry, str]:
        parent, n = _RECORD.unpack_from(blob)
        sig = from_compact(blob[_RECORD.size : _RECORD.size + n])
        doc_id = blob[_RECORD.size + n :].decode("utf-8")
        return Entry(key, None if parent < 0 else parent, sig), doc_id

    def candidates(self, buckets: list[int]) -> list[Entry]:
        pipe = self._r.pipeline(transaction=False)
        for b in buckets:
            pipe.smembers(self._bucket(b))
        keys = sorted({int(k) for members in pipe.execute() for k in members})
        if not keys:
            return []
        blobs = self._r.hmget(self._k("d"), keys)
        return [self._unpack(k, blob)[0] for k, blob in zip(keys, blobs, strict=True) if blob is not None]

    def _record(self, key: int) -> tuple[Entry, str]:
        blob = self._r.hget(self._k("d"), key)
        if blob is None:
            raise KeyError(key)
        return self._unpack(key, blob)

    def entry(self, key: int) -> Entry:
        return self._record(key)[0]

    def parent(self, key: int) -> int | None:
        try:
            return self._record(key)[0].parent
        except KeyError:
            return None

    def doc_id(self, key: int) -> str:
        return self._record(key)[1]

    def _allocate(self) -> int:
        if self._next_key > self._last_key:
            self._last_key = int(self._r.incrby(self._k("seq"), self._key_block))
            self._next_key = self._last_key - self._key_block + 1
        key = self._next_key
        self._next_key += 1
        return key

    def add(self, doc_id: str, fp: bytes, buckets: list[int], sig: bytes, parent: int | None) -> int:
        key = self._allocate()
        blob = _RECORD.pack(-1 if parent is None else parent, len(sig)) + sig + doc_id.encode("utf-8")
        pipe = self._r.pipeline(transaction=True)
        pipe.hset(self._k("d"), key, blob)
        pipe.hsetnx(self._k("x"), fp, key)
        for b in buckets:
            pipe.sadd(self._bucket(b), key)
        pipe.execute()
        return key

    def add_exact(self, fp: bytes, key: int) -> None:
        self._r.hsetnx(self._k("x"), fp, key)

    def set_parent(self, key: int, parent: int) -> None:
        blob = self._r.hget(self._k("d"), key)
        if blob is not None:
            _, n = _RECORD.unpack_from(blob)
            self._r.hset(self._k("d"), key, _RECORD.pack(parent, n) + blob[_RECORD.size :])

    def count(self) -> int:
        return int(self._r.hlen(self._k("d")))

    def close(self) -> None:
        self._r.close()

    def abort(self) -> None:
        self._r.close()
