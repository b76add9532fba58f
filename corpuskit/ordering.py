"""Side-file records in input order, whatever order the stages report drops in.

A single-process chain that passes one document at a time through every stage reports
drops in input order. Batches (``--workers N``, and one batch at a time in a single
process) report them batch by batch, stage by stage: document 7's reject from the
second stage arrives after document 9's from the first, and the reader's rejects
arrive as the reader reaches them, ahead of the stage drops of earlier documents.
:class:`InputOrder` puts them back in order: every input position *enters* when the
reader yields it and *leaves* when its document is written or dropped; a drop's record
is held until no earlier position is still in the pipeline. What is held is bounded
by the documents in flight (the batches), not by the corpus.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from itertools import count
from typing import Any

#: Held records past which they are released in arrival order (a stage that replaces
#: documents by new ones without a position can keep a position in flight forever).
MAX_HELD = 100_000


class InputOrder:
    """Releases records (``write(data)`` calls) in the order of their input positions."""

    def __init__(self) -> None:
        self._live: deque[int] = deque()  # positions entered, in increasing order
        self._left: set[int] = set()  # positions that left but are not at the front yet
        self._held: list[tuple[int, int, Callable[[Any], Any], Any]] = []
        self._seq = count()

    def enter(self, position: int) -> None:
        """Position ``position`` (larger than every earlier one) is now in the pipeline."""
        self._live.append(position)

    def leave(self, position: int | None) -> None:
        """The document at ``position`` was written to the corpus."""
        if position is None:
            return
        live = self._live
        if live and live[0] == position:  # the usual case: documents are written in order
            live.popleft()
            if self._left or self._held:
                self._release()
        else:
            self._left.add(position)

    def emit(self, position: int | None, write: Callable[[Any], Any], data: Any) -> None:
        """The document at ``position`` was dropped: call ``write(data)`` once no earlier
        position is in the pipeline (at once when ``position`` is unknown)."""
        if position is None or not self._live:  # unknown, or nothing earlier can be in flight
            write(data)
            return
        self._left.add(position)
        heapq.heappush(self._held, (position, next(self._seq), write, data))
        self._release()

    def _front(self) -> int | None:
        live, left = self._live, self._left
        while live and live[0] in left:
            left.discard(live.popleft())
        return live[0] if live else None

    def _release(self) -> None:
        front = self._front()
        held = self._held
        while held and (front is None or held[0][0] < front or len(held) > MAX_HELD):
            _pos, _seq, write, data = heapq.heappop(held)
            write(data)

    def flush(self) -> None:
        """Release everything still held, in position order, and forget the positions in
        flight (the end of a run, or of a batch that every document has left)."""
        held = self._held
        while held:
            _pos, _seq, write, data = heapq.heappop(held)
            write(data)
        self._live.clear()
        self._left.clear()
