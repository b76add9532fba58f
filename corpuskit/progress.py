"""A live progress line on a terminal (documents/s, kept, dropped); nothing in a pipe."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from corpuskit.run import Progress


@contextmanager
def progress_display(enabled: bool | None = None) -> Iterator[Progress | None]:
    """Yield a progress callback drawing on stderr, or ``None`` when stderr is not a terminal."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.live import Live
    from rich.text import Text

    started = time.perf_counter()
    console = Console(stderr=True)
    with Live(Text("starting…"), console=console, refresh_per_second=5, transient=True) as live:

        def update(read: int, kept: int, dropped: int) -> None:
            rate = read / max(time.perf_counter() - started, 1e-9)
            live.update(Text(f"{read:,} documents  {rate:,.0f} docs/s  kept {kept:,}  dropped {dropped:,}"))

        yield update
