"""Heading lines of the document (chapters, 基本方針, 施策, chapter-4 policy headings), found in one pass."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import regex

from planparse.parsers.hachioji_dx_plan.patterns import (
    CHAPTER4_POLICY,
    CHAPTER_HEADING,
    MEASURE_HEADER,
    POLICY_HEADER,
)


@dataclass
class _Headings:
    """Heading lines of the document (1-based), found in one pass."""

    chapters: list[int] = field(default_factory=list)
    policies: list[tuple[int, regex.Match]] = field(default_factory=list)
    measures: list[tuple[int, regex.Match]] = field(default_factory=list)
    chapter4: list[tuple[int, regex.Match]] = field(default_factory=list)


# the start of a line that may be a heading, after the line break before it: within its first five characters
# 施策, 基本方針 or 章, or a bracket as its first or second character (each heading pattern starts with an
# optional space and one of these). The line break first: the search jumps from one to the next
_HEADING_START = re.compile(r"\n(?:.{0,3}施策|.?基本方針|.{0,4}章|.?[(（])")


def _find_headings(lines: tuple[str, ...]) -> _Headings:
    """Every heading line, by its pattern. Each pattern starts with an optional space and a fixed word or
    bracket, so a line whose first characters lack that word cannot match it and is not tried: the lines
    that may be headings are found by one search over the whole text (most lines are none)."""
    found = _Headings()
    text = "\n" + "\n".join(lines)   # a line break before every line, the first one too
    n, at = 1, 0   # line number of the line after the line break at offset ``at``
    for start in _HEADING_START.finditer(text):
        n += text.count("\n", at, start.start())
        at = start.start()
        raw = lines[n - 1]
        if m := MEASURE_HEADER.match(raw):
            found.measures.append((n, m))
        elif m := POLICY_HEADER.match(raw):
            found.policies.append((n, m))
        elif CHAPTER_HEADING.match(raw):
            found.chapters.append(n)
        elif m := CHAPTER4_POLICY.match(raw):
            found.chapter4.append((n, m))
    return found
