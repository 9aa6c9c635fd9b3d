"""Seeded line damage of a text document, for the table formats' isolation tests (and the issue
codes a parser writes, for their docs tests).

``damaged_lines(text, seed, share)`` deletes, duplicates or inserts ``share`` × the line count of
lines (at least one): an inserted line is a copy of another line of the document or a stray line
(an empty line, a page number, a lone mark). The same seed always gives the same damage.
"""

from __future__ import annotations

import random
import re

from tests.mutants import LINE_OPS, damage_lines

__all__ = ["ISSUE_CODE", "OPS", "damaged_lines", "issue_codes", "survival"]

OPS = LINE_OPS
_STRAY = ("", " ", "3", "- 3 -", "※", "（続き）", "令和6年度", "\u3000", "---", "*")


def damaged_lines(text: str, seed: int, share: float = 0.01) -> tuple[str, list[str]]:
    """``(damaged text, the operations applied)``; lines are split and joined on ``\\n``."""
    rng = random.Random(seed)
    lines = text.split("\n")
    ops = [f"{op}@{at + 1}" for op, at in damage_lines(lines, rng, max(1, round(len(lines) * share)), _STRAY)]
    return "\n".join(lines), ops


def survival(name: str, mutants: int, share: float = 0.01) -> tuple[list[float], list[str]]:
    """Extract ``mutants`` damaged copies of ``data/raw/<name>`` (seeds 0..mutants-1, through the
    whole pipeline) and return the share of the original's initiative (code, name) pairs each
    keeps, and one line per mutant that raised, logged ``parser_error`` or changed format."""
    from planparse.pipeline import extract_file
    from tests.conftest import RAW, extracted

    original = extracted(name)
    pairs = {(i.code, i.name) for i in original.rows.initiatives}
    shares: list[float] = []
    problems: list[str] = []
    text = (RAW / name).read_text(encoding="utf-8")
    for seed in range(mutants):
        damaged, ops = damaged_lines(text, seed, share)
        try:
            result = extract_file(name, data=damaged.encode("utf-8"))
        except Exception as exc:  # reported, not raised: the test lists every failing seed
            problems.append(f"seed {seed} {ops}: {type(exc).__name__}: {exc}")
            shares.append(0.0)
            continue
        shares.append(len(pairs & {(i.code, i.name) for i in result.rows.initiatives}) / len(pairs))
        bugs = [i.message[:120] for i in result.issues if i.code == "parser_error"]
        if bugs or result.document.format != original.document.format:
            problems.append(f"seed {seed} {ops}: format {result.document.format}, {bugs[:1]}")
    return shares, problems


# log.warning("table_continued", …) / ctx.log.error(\n "row_unreadable", …) / error code passed as a value
ISSUE_CODE = re.compile(r'log\.(?:warning|error)\(\s*"([a-z_]+)"|"([a-z]+_unreadable)"')


def issue_codes(source: str) -> set[str]:
    """The issue codes a parser's source writes (``ISSUE_CODE`` matches)."""
    return {a or b for a, b in ISSUE_CODE.findall(source)}
