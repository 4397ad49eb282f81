"""Fitting text into table cells: user text made harmless, cut with `…`, wrapped between
words, composite references broken after `/` (koptrain.io.tables lays out the columns)."""

from __future__ import annotations

import re
import unicodedata

from rich.cells import cell_len, set_cell_size


def safe(value: str) -> str:
    """User text shown harmlessly: control and format characters (an escape sequence, a
    right-to-left override) become visible `\\x1b`-style escapes; tabs become spaces."""
    if value.isprintable() or all(c == "\n" or c.isprintable() for c in value):
        return value
    out = []
    for c in value:
        if c == "\n" or c.isprintable():
            out.append(c)
        elif c == "\t":
            out.append(" ")
        elif unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)


def shorten(line: str, width: int) -> str:
    """`line` cut to `width` cells, ending in `…` when it was longer."""
    if cell_len(line) <= width:
        return line
    return set_cell_size(line, max(width - 1, 0)).rstrip() + "…"


def wrap(text: str, width: int, max_lines: int | None = None) -> list[str]:
    """`text` in lines of at most `width` cells, broken between words only (a word longer
    than a line is shortened with `…`), at most `max_lines` lines (the last one ends in `…`
    when some were left out)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if cell_len(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = shorten(word, width)
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        last = lines[max_lines - 1]
        words = last.split()
        while words and cell_len(" ".join(words) + " …") > width:
            words.pop()
        end = " ".join(words) + " …" if words else shorten(last + " …", width)
        lines = [*lines[: max_lines - 1], end]
    return lines


def pieces(text: str) -> list[str]:
    """A composite reference (`BLT20-01/3572**********01/2020-06-16`) in the pieces it may
    break after: each whole, the `/` kept at the end of the one before."""
    return re.findall(r"[^/]*/|[^/]+", text)


def longest_piece(text: str) -> int:
    return max((cell_len(p) for p in pieces(text)), default=0)


def longest_word(text: str) -> int:
    return max((cell_len(w) for w in text.split()), default=0)
