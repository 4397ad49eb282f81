"""Files that may hold full NIKs (export, -o, rejects): created with mode 0600 in a temporary
file beside the target and renamed into place when complete, so a failed write (a full disk,
an error half-way) leaves neither a partial file nor a readable one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from koptrain.errors import InvalidInput
from koptrain.i18n import _, os_reason


def cannot_write(path: Path, exc: OSError) -> InvalidInput:
    return InvalidInput(
        _("Cannot write {file}: {reason}.").format(file=path, reason=os_reason(exc))
    )


def create(path: Path) -> tuple[int, Path]:
    """A new temporary file beside `path`, mode 0600 (mkstemp's), open for writing."""
    path = Path(path)
    if path.is_dir():
        raise cannot_write(path, IsADirectoryError(21, os.strerror(21)))
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise cannot_write(path, exc) from None
    return fd, Path(temp)


def finish(temp: Path, path: Path) -> None:
    try:
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise cannot_write(path, exc) from None


@contextlib.contextmanager
def private_file(path: Path, *, binary: bool = False) -> Iterator[IO]:
    """Write `path` whole or not at all, readable by its owner only."""
    path = Path(path)
    fd, temp = create(path)
    try:
        options = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, "wb" if binary else "w", **options) as file:
            yield file
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise cannot_write(path, exc) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    finish(temp, path)
