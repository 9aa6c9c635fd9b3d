"""The plan's name for itself, its 計画期間 and its stated number of 基本方針."""

from __future__ import annotations

from planparse.normalize import (
    join_wrapped,
    parse_fiscal_year_range,
    to_int,
)
from planparse.parsers.hachioji_dx_plan.markers import MUNICIPALITY_NAME
from planparse.parsers.hachioji_dx_plan.patterns import (
    MUNICIPALITY_PREFIX,
    PERIOD_YEARS,
    POLICY_COUNT,
    SELF_NAME,
)
from planparse.parsers.hachioji_dx_plan.text import (
    clean_text,
    ends_paragraph,
)
from planparse.schemas.base import IssueLog
from planparse.schemas.hachioji_dx_plan import (
    HachiojiPolicy,
)


def _title(joined: str, log: IssueLog) -> str | None:
    """The plan's name for itself: 「…」（以下「本計画」という。）."""
    m = SELF_NAME.search(joined)
    if not m:
        log.warning("no_title", "the plan's name (「…」（以下「本計画」という。）) was not found; title left null")
        return None
    title = clean_text(m.group("title"))
    prefix = MUNICIPALITY_PREFIX.match(title)
    if prefix and prefix.group("name") != MUNICIPALITY_NAME:
        log.warning("check_municipality", f"the plan's name starts with {prefix.group('name')!r}, not "
                    f"{MUNICIPALITY_NAME}; municipality kept from the format")
    return title

def _period(lines: tuple[str, ...], log: IssueLog) -> tuple[int | None, int | None]:
    """計画期間: the paragraph that starts ``計画期間は`` → (start, end) fiscal years; its stated
    ``N年間`` is checked against them (``check_plan_period``)."""
    for n, raw in enumerate(lines, start=1):
        if "計画期間は" not in raw:
            continue
        raws = []
        for k in range(n, min(n + 20, len(lines)) + 1):
            if lines[k - 1].strip():
                raws.append(lines[k - 1])
                if ends_paragraph(lines[k - 1]):
                    break
        text = clean_text(join_wrapped(raws))
        start, end = parse_fiscal_year_range(text[text.find("計画期間は"):])
        if start is None:
            continue
        years = PERIOD_YEARS.search(text)
        if years and end is not None and to_int(years.group("n")) != end - start + 1:
            log.warning("check_plan_period", f"the plan period {start}–{end} is not the stated "
                        f"{years.group(0)}", n)
        return start, end
    log.warning("no_plan_period", "no 計画期間 paragraph with fiscal years found; plan period left null")
    return None, None

def _check_policy_count(joined: str, policies: list[HachiojiPolicy], log: IssueLog) -> None:
    m = POLICY_COUNT.search(joined)
    if m and to_int(m.group("n")) != len(policies):
        log.warning("check_policy_count", f"the plan states {m.group(0)} but {len(policies)} 基本方針 "
                    "headers were read")
