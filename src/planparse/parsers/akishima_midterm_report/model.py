"""What the steps pass on: labelled segments of a report, raw reports, 第１章 sections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from planparse.parsers.akishima_midterm_report.text import (
    _Line,
)
from planparse.schemas.base import IssueLog

T = TypeVar("T")


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


def guarded(log: IssueLog, code: str, what: str, step: Callable[[], T], default: T, line: int | None = None) -> T:
    """Run one step of the parse; an exception in it becomes an ``error`` issue ``code`` naming
    ``what`` (the record or part that could not be read) and ``default`` is returned, so that one
    unreadable record or part costs only itself. Never raises (except KeyboardInterrupt and the like)."""
    try:
        return step()
    except Exception as exc:
        log.error(code, f"{what} could not be read ({type(exc).__name__}: {exc}); left out, the rest is kept", line)
        return default
