"""Parquet reader and writer in the shape datatrove and dolma use: ``id``, ``text``, ``metadata``.

pyarrow is optional (``pip install corpuskit[parquet]``); without it the ``.parquet``
suffix is simply not registered.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import corpuskit
from corpuskit import Document, ReaderOptions, ReadFailure
from corpuskit.ids import document_id
from corpuskit.records import record_to_document

ROW_GROUP = 5000


def read_parquet(path: Path, options: ReaderOptions) -> Iterator[Document | ReadFailure]:
    """One document per row; text and id found under the usual column names."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    base_id = document_id(path, options.root)
    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        yield ReadFailure(base_id, str(path), f"not a readable Parquet file ({exc})")
        return
    row = 0
    for batch in parquet.iter_batches(batch_size=1024):
        for record in batch.to_pylist():
            row += 1
            yield record_to_document(record, fallback_id=f"{base_id}:{row}", path=str(path), line=row,
                                     options=options)


class ParquetWriter:
    """Writes row groups of ``id``, ``text``, ``metadata`` (a struct, like datatrove's writer).

    The metadata struct's fields are fixed by the first row group; the ``counts`` stage
    makes every record carry the same canonical keys, so later rows fit. A later row
    with a new key raises an error naming it rather than dropping it.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.rows: list[dict[str, Any]] = []
        self.writer: Any = None
        self.schema: Any = None

    def write(self, record: dict[str, Any]) -> None:
        self.rows.append(record)
        if len(self.rows) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self.rows:
            return
        if self.writer is None:
            table = pa.Table.from_pylist(self.rows)
            self.schema = table.schema
            self.writer = pq.ParquetWriter(self.stream, self.schema)
        else:
            names = self.schema.names
            known = set(self.schema.field("metadata").type.names) if "metadata" in names else set()
            for row in self.rows:
                extra = set(row.get("metadata") or {}) - known
                if extra:
                    raise ValueError(f"record {row.get('id')!r} has metadata keys {sorted(extra)} "
                                     "not in the first row group; write JSONL instead")
            table = pa.Table.from_pylist(self.rows, schema=self.schema)
        self.writer.write_table(table)
        self.rows = []

    def close(self) -> None:
        self._flush()
        if self.writer is not None:
            self.writer.close()


def _have_pyarrow() -> bool:
    """Whether pyarrow is installed, without importing it (that costs ~80 ms at every start,
    parquet or not; the reader and writer import it when they run)."""
    return importlib.util.find_spec("pyarrow") is not None


@corpuskit.hookimpl
def corpuskit_register_readers(register: Any) -> None:
    """Register the Parquet reader when pyarrow is installed."""
    if not _have_pyarrow():
        return
    register("parquet", read_parquet, suffixes=[".parquet"])


@corpuskit.hookimpl
def corpuskit_register_writers(register: Any) -> None:
    """Register the Parquet writer when pyarrow is installed."""
    if not _have_pyarrow():
        return
    register("parquet", ParquetWriter, suffixes=[".parquet"])
