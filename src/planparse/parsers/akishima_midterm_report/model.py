"""What the steps pass on: labelled segments of a report, raw reports, 第１章 sections."""

from __future__ import annotations

from dataclasses import dataclass, field

from planparse.parsers.akishima_midterm_report.text import (
    _Line,
)

# ---------------------------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------------------------


@dataclass
class _Segment:
    """Lines of one labelled part of a report (``kind``: basic, period, overview, year, progress,
    schedule, plan); ``lines`` are content lines and fillers after the label."""

    kind: str
    label_line: int
    label: str
    lines: list[_Line] = field(default_factory=list)
    year: int | None = None
    years: list[int] = field(default_factory=list)


@dataclass
class _RawReport:
    code: str
    heading: str
    heading_line: int
    policy_code: str | None
    segments: list[_Segment]
    end_line: int


_PolicySeen = dict[str, list[tuple[str, int, bool]]]
"""基本方針 headers seen: code → [(name, line, is a 第２章 header)]."""


@dataclass
class _Section:
    kind: str
    start: int   # heading line (1-based)
    end: int     # last line (inclusive)
