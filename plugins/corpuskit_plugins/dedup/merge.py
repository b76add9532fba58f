"""Merge SQLite dedup indexes built by separate runs (e.g. one per ``--shard i/n``).

``corpuskit index-merge A.index B.index -o MERGED.index`` (or :func:`merge_indexes`)
writes one index that holds every entry of every source, so a later run with
``--index MERGED.index`` drops anything any of the shard runs indexed.

What is kept, and how keys are made unique:

* Documents are identified inside an index by an integer **key** (allocated in input
  order, the union-find of :mod:`.clusters` makes the smallest key of a cluster its
  root), and every other table refers to documents by key: ``docs.root`` (cluster
  parent), ``bands.key`` and ``exact.key``. Keys of different shards overlap (each
  run starts at 1), so the merge **renumbers** them: the keys of source *i* are
  shifted by the largest key of the sources before it. Order within a source is
  preserved, every key of source *i* is larger than every key of source *i-1*, and
  cluster parents are shifted with their children, so each cluster keeps its
  survivor as root. Later runs allocate keys after the largest one.
* Document **ids** (the strings a duplicate record names as ``duplicate_of``) are
  copied unchanged: shard runs over one corpus see disjoint input files, so their
  ids are already distinct, and namespacing them would make later duplicate
  records name ids that exist in no output.
* Every document row, signature and band bucket entry of every source is kept.
* Exact fingerprints: a fingerprint present in several sources (a document that
  more than one shard kept) maps to the first source's document; the later copies
  stay indexed (document, signature, buckets), just not on the exact fast path.

Documents that are duplicates *across* shards were each kept by their own shard
run; merging indexes does not change the shard outputs, and the merged index does
not join their clusters (a cluster stays a star around a survivor that was
emitted). A later document that matches both is a "bridge" and is reported as a
duplicate of the earlier source's survivor. :class:`MergeReport` counts the
fingerprints shared between sources (``shared_fingerprints``): exact copies that
now sit in two shard outputs. To drop cross-shard duplicates from the outputs
themselves, run the shards against one shared ``backend="redis"`` index instead.

Sources must have been built with the same parameters (the ``meta`` record:
num_perm, seed, bands, rows, n-gram, normalisation version); a mismatch raises
:class:`.index.IndexMismatch` naming the file. The threshold is not stored: an
index works at any threshold, it only sets ``bands``/``rows`` by default. Sources
in use by a run raise :class:`.index.IndexBusy`. The target is written to a
temporary file in the same directory and renamed into place when complete, so it
is never half-written; an existing target is replaced only with ``overwrite=True``
(it may be one of the sources, to fold shard indexes into a main one).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from corpuskit_plugins.dedup.index import SCHEMA, IndexBusy, IndexMismatch, _check

__all__ = ["MergeError", "MergeReport", "SourceReport", "merge_indexes", "register_index_merge"]


class MergeError(ValueError):
    """A source that cannot be merged (missing, not a dedup index) or a refused target."""


@dataclass(slots=True)
class SourceReport:
    """What one source contributed."""

    path: str
    documents: int
    band_entries: int
    fingerprints: int
    key_offset: int


@dataclass(slots=True)
class MergeReport:
    """Counts of a merged index (see :func:`merge_indexes`)."""

    target: str
    sources: list[SourceReport] = field(default_factory=list)
    documents: int = 0
    band_entries: int = 0
    buckets: int = 0
    fingerprints: int = 0
    shared_fingerprints: int = 0
    bytes: int = 0
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def bytes_per_doc(self) -> float:
        return self.bytes / self.documents if self.documents else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "sources": [
                {"path": s.path, "documents": s.documents, "band_entries": s.band_entries,
                 "fingerprints": s.fingerprints, "key_offset": s.key_offset}
                for s in self.sources
            ],
            "documents": self.documents,
            "band_entries": self.band_entries,
            "buckets": self.buckets,
            "fingerprints": self.fingerprints,
            "shared_fingerprints": self.shared_fingerprints,
            "bytes": self.bytes,
            "bytes_per_doc": round(self.bytes_per_doc, 1),
            "meta": self.meta,
        }

    def summary(self) -> str:
        lines = [f"  {s.path}: {s.documents} documents" for s in self.sources]
        lines.append(
            f"merged {len(self.sources)} indexes into {self.target}: {self.documents} documents, "
            f"{self.buckets} buckets ({self.band_entries} band entries), {self.fingerprints} fingerprints "
            f"({self.shared_fingerprints} in more than one source), {self.bytes} bytes "
            f"({self.bytes_per_doc:.0f} bytes/doc)"
        )
        return "\n".join(lines)


_TABLES = {"meta", "docs", "bands", "exact"}


def _lock_source(path: Path, busy_timeout_s: float) -> tuple[sqlite3.Connection, dict[str, str]]:
    """Open ``path``, hold a lock on it for the merge (no run may write meanwhile), read its meta."""
    if not path.exists():
        raise MergeError(f"dedup index {path} does not exist")
    if not path.is_file():
        raise MergeError(f"dedup index {path} is not a file")
    db = sqlite3.connect(str(path), isolation_level=None, timeout=busy_timeout_s, check_same_thread=False)
    try:
        try:
            # A run holds its index in a write transaction from open to close: taking the
            # write lock ourselves proves none is running and keeps one from starting.
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                raise IndexBusy(f"dedup index {path} is in use by another run ({exc})") from exc
            if "not a database" in text:
                raise
            db.execute("BEGIN")  # read-only file: a read transaction still gives a snapshot
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables >= _TABLES:
            found = ", ".join(sorted(tables)) or "none"
            raise MergeError(f"{path} is not a corpuskit dedup index (tables: {found})")
        meta = dict(db.execute("SELECT k, v FROM meta").fetchall())
        if not meta:
            raise MergeError(f"{path} is not a corpuskit dedup index (no parameters recorded)")
        return db, meta
    except sqlite3.DatabaseError as exc:
        db.close()
        raise MergeError(f"{path} is not a corpuskit dedup index ({exc})") from exc
    except BaseException:
        db.close()
        raise


def _check_same(meta: dict[str, str], first: dict[str, str], path: Path, first_path: Path) -> None:
    _check(meta, first, str(path), against=f"{first_path} has")
    extra = sorted(set(meta) - set(first))
    if extra:
        raise IndexMismatch(f"dedup index {path} was built with other parameters "
                            f"({', '.join(extra)}: not recorded in {first_path})")


def _fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def merge_indexes(sources: list[Path], target: Path, *, overwrite: bool = False,
                  busy_timeout_s: float = 5.0) -> MergeReport:
    """Merge the SQLite dedup indexes ``sources`` (same parameters) into ``target``.

    Keys are renumbered source after source (see the module docstring); ids, signatures,
    band buckets, fingerprints and cluster parents are all kept. ``target`` appears
    only when complete (temporary file + rename). Raises :class:`MergeError` (missing
    file, not an index, duplicate source, existing target without ``overwrite``),
    :class:`IndexMismatch` (other parameters, naming the file) or :class:`IndexBusy`.
    """
    sources = [Path(s) for s in sources]
    target = Path(target)
    if not sources:
        raise MergeError("no dedup index to merge")
    seen: dict[Path, Path] = {}
    for src in sources:
        real = src.resolve()
        if real in seen:
            raise MergeError(f"dedup index {src} is given twice (also as {seen[real]})")
        seen[real] = src
    if target.exists() and not overwrite:
        raise MergeError(f"{target} exists (overwrite it with --force / overwrite=True)")
    if target.exists() and not target.is_file():
        raise MergeError(f"{target} is not a file")

    locks: list[sqlite3.Connection] = []
    tmp = target.with_name(f".{target.name}.merge-{os.getpid()}.tmp")
    out: sqlite3.Connection | None = None
    try:
        metas: list[dict[str, str]] = []
        for src in sources:
            db, meta = _lock_source(src, busy_timeout_s)
            locks.append(db)
            if metas:
                _check_same(meta, metas[0], src, sources[0])
            metas.append(meta)
        if target.exists() and target.resolve() not in seen:
            # An index about to be replaced must not be in use by a run either.
            locks.append(_lock_source(target, busy_timeout_s)[0])

        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        out = sqlite3.connect(str(tmp), isolation_level=None, check_same_thread=False)
        out.execute("PRAGMA journal_mode=MEMORY")  # a failed merge deletes the file anyway
        out.execute("PRAGMA synchronous=OFF")  # fsynced once, before the rename
        out.execute("BEGIN")
        for statement in SCHEMA:
            out.execute(statement)
        out.executemany("INSERT INTO meta VALUES (?, ?)", sorted(metas[0].items()))
        out.execute("COMMIT")

        report = MergeReport(target=str(target), meta=dict(metas[0]))
        offset = 0
        for src in sources:
            out.execute("ATTACH DATABASE ? AS src", (str(src),))
            try:
                out.execute("BEGIN")
                docs = out.execute(
                    "INSERT INTO docs(key, id, root, sig) SELECT key + ?, id, root + ?, sig FROM src.docs "
                    "ORDER BY key", (offset, offset)).rowcount
                bands = out.execute("INSERT INTO bands SELECT bucket, key + ? FROM src.bands",
                                    (offset,)).rowcount
                n_fp = int(out.execute("SELECT count(*) FROM src.exact").fetchone()[0])
                new_fp = out.execute("INSERT OR IGNORE INTO exact SELECT fp, key + ? FROM src.exact",
                                     (offset,)).rowcount
                top = int(out.execute("SELECT coalesce(max(key), 0) FROM src.docs").fetchone()[0])
                out.execute("COMMIT")
            finally:
                if out.in_transaction:
                    out.execute("ROLLBACK")
                out.execute("DETACH DATABASE src")
            report.sources.append(SourceReport(str(src), docs, bands, n_fp, offset))
            report.shared_fingerprints += n_fp - new_fp
            offset += top
        report.documents = int(out.execute("SELECT count(*) FROM docs").fetchone()[0])
        report.band_entries = int(out.execute("SELECT count(*) FROM bands").fetchone()[0])
        report.buckets = int(out.execute("SELECT count(DISTINCT bucket) FROM bands").fetchone()[0])
        report.fingerprints = int(out.execute("SELECT count(*) FROM exact").fetchone()[0])
        out.close()
        out = None
        _fsync(tmp)
        os.replace(tmp, target)
        with contextlib.suppress(OSError):
            _fsync(target.parent, directory=True)
        report.bytes = target.stat().st_size
        return report
    except BaseException:
        if out is not None:
            out.close()
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        for db in locks:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            db.close()


def register_index_merge(app: typer.Typer) -> None:
    """Add ``corpuskit index-merge SOURCES… -o TARGET`` to ``app``."""

    @app.command("index-merge")
    def index_merge(
        sources: Annotated[list[Path], typer.Argument(
            metavar="INDEX...",
            help="SQLite dedup index files (e.g. one per --shard run), built with the same parameters.",
            show_default=False)],
        output: Annotated[Path, typer.Option(
            "-o", "--output", help="The merged index file (written atomically).", show_default=False)],
        force: Annotated[bool, typer.Option(
            "--force", help="Replace OUTPUT if it exists (it may be one of the sources).")] = False,
    ) -> None:
        """Merge dedup index files into one, for later runs with --index OUTPUT.

        Every document of every source is kept (keys renumbered source after source),
        so a later run drops anything any source run indexed. Exit code 2: a source is
        missing, not an index, in use, or built with other parameters; 1: OUTPUT
        cannot be written.
        """
        try:
            report = merge_indexes(sources, output, overwrite=force)
        except (MergeError, IndexMismatch, IndexBusy) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except (OSError, sqlite3.Error) as exc:
            typer.echo(f"error: cannot write {output}: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(report.summary())
