"""The 18 施策: blocks between headings, each read by ``measure_page``; icons, numbering checks."""

from __future__ import annotations

from bisect import bisect_right

import regex

from planparse.normalize import (
    circled_to_int,
    to_int,
)
from planparse.parsers.hachioji_dx_plan.glossary import _glossary_start
from planparse.parsers.hachioji_dx_plan.headings import (
    _Headings,
)
from planparse.parsers.hachioji_dx_plan.measure_page import (
    _read_measure,
)
from planparse.parsers.hachioji_dx_plan.patterns import (
    LEGEND_KEY,
    SUBTITLE,
)
from planparse.parsers.hachioji_dx_plan.text import (
    _next_content_line,
    clean_text,
)
from planparse.schemas.base import IssueLog
from planparse.schemas.hachioji_dx_plan import (
    HachiojiMeasure,
    HachiojiPolicy,
)


def _measures(lines: tuple[str, ...], headings: _Headings, policies: list[HachiojiPolicy],
              log: IssueLog, page_starts: bool = True, glossary_start: int | None = None,
              ) -> tuple[list[HachiojiMeasure], list[tuple[int, int, str]]]:
    """施策 blocks: each from its header to the next 施策 / 基本方針 / chapter heading.

    Headers are first checked against the document's structure (``_placed_headers``): stray copies
    are read as text, and a run of 施策 whose 基本方針 header is missing gets its policy number from
    the numbering. A 施策 that cannot be read is an ``measure_unreadable`` error naming it; the
    others are kept. ``glossary_start``: the 用語集's first line when the caller has it (``_glossary_start``).
    Returns the measures and each block's ``(first line, last line, code)``."""
    if not headings.measures:
        log.error("no_measures", "no 施策 page header (施策① …) found: nothing extracted")
        return [], []
    glossary_start = (glossary_start or _glossary_start(lines)) or len(lines) + 1
    placed = _placed_headers(headings, glossary_start, log)
    bounds = sorted({n for n, _, _ in placed} | {n for n, _ in headings.policies}
                    | set(headings.chapters) | {glossary_start, len(lines) + 1})
    measures: list[HachiojiMeasure] = []
    ranges: list[tuple[int, int, str]] = []
    icons: dict[str, bool] = {}
    seen: set[str] = set()
    for n, m, policy_code in placed:
        end = bounds[bisect_right(bounds, n)] - 1
        number = circled_to_int(m.group("num")) or 0
        if policy_code is None:
            log.warning("measure_without_policy", f"施策 {m.group('num')} comes before any 基本方針 header; "
                        "its code has no policy part", n)
        code = f"{policy_code}-{number}" if policy_code else str(number)
        if code in seen:
            log.error("duplicate_measure", f"a second 施策 {code}; dropped", n)
            continue
        seen.add(code)
        try:
            measure, icon = _read_measure(lines, n, end, code, number, clean_text(m.group("name")),
                                          policy_code, len(measures) + 1, log, page_starts)
        except Exception as exc:
            log.error("measure_unreadable", f"施策 {code} ({m.group('name').strip()[:30]}, lines {n}–{end}) could not "
                      f"be read ({type(exc).__name__}: {exc}); dropped, the other 施策 are kept", n)
            continue
        measures.append(measure)
        ranges.append((n, end, code))
        icons[code] = icon
    legend = _policy_pages(lines, headings, log)
    _icons(measures, icons, legend, log)
    _check_numbering(measures, policies, log)
    return measures, ranges


def _placed_headers(headings: _Headings, glossary_start: int, log: IssueLog
                    ) -> list[tuple[int, regex.Match, str | None]]:
    """The 施策 headers that stand where the structure puts them, each with its 基本方針 number.

    * A header after the 用語集 starts is not a 施策 (``measure_header_out_of_place``).
    * Under one 基本方針 header the numbers run ①, ②, …: a run restarts at a ① followed by ②
      (the next 基本方針, its header missing); within a run the headers outside the longest
      increasing run of numbers are stray copies, read as text (``stray_measure_header``).
    * A run's 基本方針 is the header before it; a run after another run of the same header takes the
      next number (``policy_header_missing``), a run before any header the number before the first.
    Input: the headings found. Output: ``(line, header match, policy code)`` in document order."""
    policy_lines = [n for n, _ in headings.policies]
    groups: dict[int, list[tuple[int, regex.Match]]] = {}
    for n, m in headings.measures:
        if n >= glossary_start:
            log.warning("measure_header_out_of_place", f"a 施策 header inside the 用語集 ({m.group(0).strip()!r}) "
                        "is read as text", n)
            continue
        groups.setdefault(bisect_right(policy_lines, n) - 1, []).append((n, m))
    placed: list[tuple[int, regex.Match, str | None]] = []
    previous_code: int | None = None
    first_code = to_int(headings.policies[0][1].group("num")) if headings.policies else None
    for i in sorted(groups):
        header_code = to_int(headings.policies[i][1].group("num")) if i >= 0 else None
        for k, run in enumerate(_runs(groups[i])):
            if k == 0 and header_code is not None:
                code = header_code
            elif previous_code is not None:
                code = previous_code + 1
            elif first_code is not None and first_code > 1 and i < 0:
                code = first_code - 1
            else:
                code = None
            if code is not None and not (k == 0 and header_code is not None):
                log.warning("policy_header_missing",
                            f"the 施策 numbering restarts at line {run[0][0]} without a 基本方針 header: these 施策 "
                            f"are read as 基本方針 {code}", run[0][0])
            previous_code = code if code is not None else previous_code
            kept = _increasing(run)
            for n, m in run:
                if (n, m) not in kept:
                    log.warning("stray_measure_header", f"施策 header {m.group(0).strip()!r} is out of the numbering "
                                "order of its 基本方針: read as text of the 施策 before it", n)
                    continue
                placed.append((n, m, str(code) if code is not None else None))
    return placed


def _runs(headers: list[tuple[int, regex.Match]]) -> list[list[tuple[int, regex.Match]]]:
    """Cut one 基本方針's headers where the numbering restarts: at a ① that is followed by ②."""
    numbers = [circled_to_int(m.group("num")) or 0 for _, m in headers]
    runs: list[list[tuple[int, regex.Match]]] = []
    for j, header in enumerate(headers):
        restart = numbers[j] == 1 and j + 1 < len(numbers) and numbers[j + 1] == 2 and runs
        if not runs or restart:
            runs.append([])
        runs[-1].append(header)
    return runs


def _increasing(run: list[tuple[int, regex.Match]]) -> list[tuple[int, regex.Match]]:
    """The longest strictly increasing subsequence of the run's numbers (earliest on ties)."""
    numbers = [circled_to_int(m.group("num")) or 0 for _, m in run]
    best: list[list[int]] = []
    for j, x in enumerate(numbers):
        prev = max((b for b in best if numbers[b[-1]] < x), key=len, default=[])
        best.append([*prev, j])
    chosen = max(best, key=len, default=[])
    return [run[j] for j in chosen]


def _icons(measures: list[HachiojiMeasure], icons: dict[str, bool], legend: int | None,
           log: IssueLog) -> None:
    """in_jichitai_dx_plan: True/False when some 施策 page shows the icon's text (自治体DX); otherwise
    None for all, with one ``icon_not_in_text`` warning when the icon legend is present (the
    icon is an image the extracted text lacks)."""
    if any(icons.values()):
        for m in measures:
            m.in_jichitai_dx_plan = icons[m.code]
        return
    if legend is None:
        return
    log.warning("icon_not_in_text",
                "the legend says 施策 of the 自治体DX推進計画 carry an icon, but no 施策 page has it in the "
                "extracted text (it is an image): in_jichitai_dx_plan is left null for every measure",
                legend)

def _policy_pages(lines: tuple[str, ...], headings: _Headings, log: IssueLog) -> int | None:
    """Text on a 基本方針 title page (between its subtitle and the next 施策): the icon legend
    (``…以下のアイコンを配置しています``; its line is returned) or anything else, which is
    skipped with a ``policy_page_text_skipped`` warning."""
    legend = None
    measure_lines = sorted(n for n, _ in headings.measures)
    for n, _m in headings.policies:
        i = bisect_right(measure_lines, n)
        stop = measure_lines[i] if i < len(measure_lines) else n + 1
        sub = _next_content_line(lines, n)
        first = sub + 1 if sub and SUBTITLE.match(lines[sub - 1]) else n + 1
        text = [k for k in range(first, stop) if lines[k - 1].strip()]
        if not text:
            continue
        joined = "".join(lines[k - 1].strip() for k in text)
        if LEGEND_KEY in joined:
            legend = legend or next(k for k in text if LEGEND_KEY in lines[k - 1])
            continue  # the icon legend (reported by _icons)
        log.warning("policy_page_text_skipped", f"text on the 基本方針 title page skipped: {joined[:60]!r}",
                    text[0])
    return legend

def _check_numbering(measures: list[HachiojiMeasure], policies: list[HachiojiPolicy],
                     log: IssueLog) -> None:
    for p in policies:
        numbers = [m.number for m in measures if m.policy_code == p.code]
        if numbers != list(range(1, len(numbers) + 1)):
            log.warning("check_measure_numbering", f"施策 numbers of 基本方針 {p.code} are {numbers}, "
                        "not 1…n in order", p.source_line)
        if not numbers:
            log.warning("check_policy_without_measures", f"基本方針 {p.code} has no 施策", p.source_line)
