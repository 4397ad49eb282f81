"""Progress of a long import: a Rich bar on stderr, only on a terminal and for a file of
known size. The importer gets the bar's update function as its `on_progress`."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from koptrain.io.readers import RowSource


@contextlib.contextmanager
def import_progress(source: RowSource) -> Iterator[Callable[[int], None] | None]:
    """Yields on_progress(rows), or None where no bar is shown."""
    if not sys.stderr.isatty() or not source.size:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from koptrain.io.output import console

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[rows]} rows"),
        TimeRemainingColumn(),
        console=console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(source.name, total=source.size, rows=0)
        yield lambda rows: progress.update(task, completed=source.position, rows=rows)
