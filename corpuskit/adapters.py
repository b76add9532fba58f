"""Adapters for the data libraries people already use: pandas and Hugging Face datasets.

Both keep the input's columns, replace the text column with the cleaned text, add the
normalized metadata, and drop the rows the pipeline rejected or found duplicate (pass
``on_reject``/``on_duplicate`` to see them). pandas and datasets are imported lazily:
they are not dependencies of corpuskit.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from corpuskit.document import Document, Source
from corpuskit.streaming import Pipeline

if TYPE_CHECKING:
    import datasets
    import pandas


def _row_document(row: dict[str, Any], position: int, text_column: str, id_column: str | None) -> Document:
    text = row.get(text_column)
    doc_id = str(row[id_column]) if id_column else str(position)
    meta = {k: v for k, v in row.items() if k not in (text_column, id_column)}
    return Document(doc_id, text if isinstance(text, str) else "", meta, Source("<table>", position, "table"))


def clean_dataframe(df: pandas.DataFrame, *, text_column: str = "text", id_column: str | None = None,
                    metadata_column: str = "corpuskit_metadata", **pipeline: Any) -> pandas.DataFrame:
    """Clean a DataFrame: kept rows in order, ``text_column`` cleaned, ``metadata_column`` added.

    ``pipeline`` takes :class:`corpuskit.Pipeline`'s arguments (stages, skip, options,
    on_reject, on_duplicate, …). Ids come from ``id_column`` or the row position.
    """
    import pandas as pd

    pipe = Pipeline(**pipeline)
    records = df.to_dict("records")
    docs = [_row_document(r, i, text_column, id_column) for i, r in enumerate(records)]
    kept = pipe.process_batch(docs)
    pipe.close()
    positions = [d.source.line for d in kept if d.source is not None]
    out = df.iloc[positions].copy()
    out[text_column] = [d.text for d in kept]
    out[metadata_column] = [_canonical(d.metadata, df.columns) for d in kept]
    return out if isinstance(out, pd.DataFrame) else pd.DataFrame(out)


def _canonical(meta: dict[str, Any], input_columns: Any) -> dict[str, Any]:
    """The metadata the stages produced, without the input columns echoed back."""
    return {k: v for k, v in meta.items() if k not in set(input_columns)}


def clean_dataset(ds: datasets.Dataset, *, text_column: str = "text", id_column: str | None = None,
                  metadata_column: str = "corpuskit_metadata", batch_size: int = 256, **pipeline: Any
                  ) -> datasets.Dataset:
    """Clean a Hugging Face ``Dataset`` with ``map`` and ``filter`` over batches.

    The input's columns are kept; ``text_column`` is replaced by the cleaned text and
    ``metadata_column`` holds the normalized metadata as a JSON string (Arrow needs one
    type per column; ``json.loads`` it back). Batches run in order in one process, so
    near-duplicates are found across the whole dataset.
    """
    pipe = Pipeline(**pipeline)
    keep_column = "__corpuskit_keep"

    def clean_batch(batch: dict[str, list[Any]], indices: list[int]) -> dict[str, list[Any]]:
        columns = list(batch)
        rows = [{c: batch[c][i] for c in columns} for i in range(len(indices))]
        docs = [_row_document(r, idx, text_column, id_column) for r, idx in zip(rows, indices, strict=True)]
        kept = {d.source.line: d for d in pipe.process_batch(docs) if d.source is not None}
        out = dict(batch)
        texts = batch[text_column]
        out[text_column] = [kept[i].text if i in kept else texts[j] for j, i in enumerate(indices)]
        out[metadata_column] = [json.dumps(_canonical(kept[i].metadata, columns), ensure_ascii=False,
                                           default=str) if i in kept else None for i in indices]
        out[keep_column] = [i in kept for i in indices]
        return out

    mapped = ds.map(clean_batch, batched=True, batch_size=batch_size, with_indices=True,
                    load_from_cache_file=False, new_fingerprint=uuid.uuid4().hex, desc="corpuskit")
    pipe.close()
    filtered = mapped.filter(lambda keep: keep, input_columns=[keep_column], load_from_cache_file=False)
    return filtered.remove_columns([keep_column])
