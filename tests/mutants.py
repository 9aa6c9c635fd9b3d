"""Seeded mutants of the raw documents, for the fuzz suite (tests/test_fuzz.py).

``mutate(data, seed)`` damages a document the way files are damaged in practice: a share of its
lines deleted, duplicated, or inserted (a line copied from elsewhere in the document, or a stray
line: a page number, a footnote mark, an empty line), then one file-level change (line ends
``\\r\\n`` / ``\\r`` / ``\\r\\r\\n``, a UTF-8 BOM, the last bytes cut off, possibly inside a character,
or none). The same seed always gives the same mutant.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["FILE_CHANGES", "LINE_OPS", "Mutant", "damage_lines", "mutate", "record_pairs"]

LINE_OPS = ("delete", "duplicate", "insert_copy", "insert_stray")
FILE_CHANGES = ("none", "crlf", "cr", "crcrlf", "bom", "truncate")
# lines that turn up in extracted text without belonging to the content
_STRAY = ("", " ", "12", "- 12 -", "→用語集", "100%", "*", "※", "（続き）", "令和6年度", "　")


@dataclass(frozen=True)
class Mutant:
    """A damaged copy: its bytes, the line operations applied and the file-level change."""

    data: bytes
    ops: tuple[str, ...]
    file_change: str

    def describe(self) -> str:
        return f"{len(self.ops)} line ops ({', '.join(sorted(set(self.ops)))}), file: {self.file_change}"


def damage_lines(lines: list[str], rng: random.Random, count: int, strays: tuple[str, ...]) -> list[tuple[str, int]]:
    """Apply ``count`` seeded line operations (``LINE_OPS``) to ``lines`` in place: delete a line,
    duplicate it, insert a copy of another line, or insert one of ``strays``. Output: the
    operations as (name, 0-based index)."""
    ops = []
    for _ in range(count):
        op = rng.choice(LINE_OPS)
        at = rng.randrange(len(lines))
        if op == "delete" and len(lines) > 1:
            del lines[at]
        elif op == "duplicate":
            lines.insert(at, lines[at])
        elif op == "insert_copy":
            lines.insert(at, lines[rng.randrange(len(lines))])
        else:
            lines.insert(at, rng.choice(strays))
        ops.append((op, at))
    return ops


def mutate(data: bytes, seed: int, *, damage: float = 0.01, file_change: str | None = None) -> Mutant:
    """A mutant of UTF-8 ``data``: ``damage`` × the line count of line operations (at least one;
    none when ``damage`` is 0),
    then ``file_change`` (one of ``FILE_CHANGES``; random when None). The truncation cuts off up
    to ``damage`` / 2 of the bytes."""
    rng = random.Random(seed)
    lines = data.decode("utf-8").split("\n")
    count = max(1, round(len(lines) * damage)) if damage > 0 else 0
    ops = [op for op, _ in damage_lines(lines, rng, count, _STRAY)]
    out = "\n".join(lines).encode("utf-8")
    change = file_change or rng.choice(FILE_CHANGES)
    if change == "crlf":
        out = out.replace(b"\n", b"\r\n")
    elif change == "cr":
        out = out.replace(b"\n", b"\r")
    elif change == "crcrlf":
        out = out.replace(b"\n", b"\r\r\n")
    elif change == "bom":
        out = b"\xef\xbb\xbf" + out
    elif change == "truncate":
        out = out[: len(out) - rng.randint(1, max(1, int(len(out) * damage / 2)))]
    return Mutant(data=out, ops=tuple(ops), file_change=change)


def record_pairs(result) -> set[tuple[str, str]]:
    """The (code, name) pairs of a ``FileResult``'s initiatives, or of its measures when the
    format has no initiatives (the Hachioji DX plan). Needs the rows (``extract_file``)."""
    rows = result.rows.initiatives or result.rows.measures
    return {(r.code, r.name) for r in rows}
