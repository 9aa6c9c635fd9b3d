"""Heading lines of the document (chapters, 基本方針, 施策, chapter-4 policy headings), found in one pass."""

from __future__ import annotations

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


def _find_headings(lines: tuple[str, ...]) -> _Headings:
    """Every heading line, by its pattern. Each pattern starts with an optional space and a fixed word or
    bracket, so a line whose first characters lack that word cannot match it and is not tried (most lines)."""
    found = _Headings()
    for n, raw in enumerate(lines, start=1):
        head = raw[:5]   # the optional space, then 施策 / 基本方針 / N章 / NN章 / ( or （
        if not ("施策" in head or "基本方針" in head or "章" in head or "(" in head[:2] or "（" in head[:2]):
            continue   # (an empty line has none of these either)
        if m := MEASURE_HEADER.match(raw):
            found.measures.append((n, m))
        elif m := POLICY_HEADER.match(raw):
            found.policies.append((n, m))
        elif CHAPTER_HEADING.match(raw):
            found.chapters.append(n)
        elif m := CHAPTER4_POLICY.match(raw):
            found.chapter4.append((n, m))
    return found
