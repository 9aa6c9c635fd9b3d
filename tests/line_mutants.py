"""Seeded line damage of a text document, for the table formats' isolation tests.

``damaged_lines(text, seed, share)`` deletes, duplicates or inserts ``share`` × the line count of
lines (at least one): an inserted line is a copy of another line of the document or a stray line
(an empty line, a page number, a lone mark). The same seed always gives the same damage.
"""

from __future__ import annotations

import random

__all__ = ["OPS", "damaged_lines"]

OPS = ("delete", "duplicate", "insert_copy", "insert_stray")
_STRAY = ("", " ", "3", "- 3 -", "※", "（続き）", "令和6年度", "\u3000", "---", "*")


def damaged_lines(text: str, seed: int, share: float = 0.01) -> tuple[str, list[str]]:
    """``(damaged text, the operations applied)``; lines are split and joined on ``\\n``."""
    rng = random.Random(seed)
    lines = text.split("\n")
    ops: list[str] = []
    for _ in range(max(1, round(len(lines) * share))):
        op = rng.choice(OPS)
        at = rng.randrange(len(lines))
        if op == "delete" and len(lines) > 1:
            del lines[at]
        elif op == "duplicate":
            lines.insert(at, lines[at])
        elif op == "insert_copy":
            lines.insert(at, lines[rng.randrange(len(lines))])
        else:
            lines.insert(at, rng.choice(_STRAY))
        ops.append(f"{op}@{at + 1}")
    return "\n".join(lines), ops
