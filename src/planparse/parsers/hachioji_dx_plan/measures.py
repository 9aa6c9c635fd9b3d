"""The 18 施策: blocks between headings, each read by ``measure_page``; icons, numbering checks."""

from __future__ import annotations

from bisect import bisect_right

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
              log: IssueLog) -> tuple[list[HachiojiMeasure], list[tuple[int, int, str]]]:
    """施策 blocks: each from its header to the next 施策 / 基本方針 / chapter heading.

    Returns the measures and each block's ``(first line, last line, code)``."""
    if not headings.measures:
        log.error("no_measures", "no 施策 page header (施策① …) found: nothing extracted")
        return [], []
    glossary_start = _glossary_start(lines) or len(lines) + 1
    bounds = sorted({n for n, _ in headings.measures} | {n for n, _ in headings.policies}
                    | set(headings.chapters) | {glossary_start, len(lines) + 1})
    policy_lines = [n for n, _ in headings.policies]
    measures: list[HachiojiMeasure] = []
    ranges: list[tuple[int, int, str]] = []
    icons: dict[str, bool] = {}
    seen: set[str] = set()
    for n, m in headings.measures:
        end = bounds[bisect_right(bounds, n)] - 1
        i = bisect_right(policy_lines, n) - 1
        policy_code = str(to_int(headings.policies[i][1].group("num"))) if i >= 0 else None
        number = circled_to_int(m.group("num")) or 0
        if policy_code is None:
            log.warning("measure_without_policy", f"施策 {m.group('num')} comes before any 基本方針 header; "
                        "its code has no policy part", n)
        code = f"{policy_code}-{number}" if policy_code else str(number)
        if code in seen:
            log.error("duplicate_measure", f"a second 施策 {code}; dropped", n)
            continue
        seen.add(code)
        measure, icon = _read_measure(lines, n, end, code, number, clean_text(m.group("name")),
                                      policy_code, len(measures) + 1, log)
        measures.append(measure)
        ranges.append((n, end, code))
        icons[code] = icon
    legend = _policy_pages(lines, headings, log)
    _icons(measures, icons, legend, log)
    _check_numbering(measures, policies, log)
    return measures, ranges

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
