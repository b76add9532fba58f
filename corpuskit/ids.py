"""Stable document ids derived from file paths."""

from __future__ import annotations

from pathlib import Path

from corpuskit.compression import split_compression


def document_id(path: Path, root: str) -> str:
    """The id of the document in ``path``: its path relative to the input ``root``
    with the format and compression suffixes removed (``a/b.html.gz`` → ``a/b``).

    A file given directly on the command line (``root`` is the file) gets its stem.
    """
    name, _ = split_compression(path)
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    root_path = Path(root)
    try:
        rel_parent = path.parent.relative_to(root_path) if root_path.is_dir() else Path()
    except ValueError:
        rel_parent = Path()
    rel = rel_parent / stem
    return rel.as_posix()
