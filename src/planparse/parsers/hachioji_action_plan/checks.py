"""Document-level checks of the cards: 管理番号 duplicates and gaps, cards without an overview page."""

from __future__ import annotations

from collections import Counter

from planparse.parsers.hachioji_action_plan.model import Context, Header
from planparse.schemas.hachioji_action_plan import (
    HachiojiCard,
    HachiojiMeasure,
)


def check_cards(ctx: Context, cards: list[HachiojiCard], measures: list[HachiojiMeasure],
                headers: list[Header]) -> None:
    """管理番号 sequence per 施策 (gaps, duplicates), cards whose 施策 has no overview page."""
    seen: Counter[str] = Counter(h.code for h in headers if h.code)
    for code, count in seen.items():
        if count > 1:
            ctx.log.error("duplicate_card", f"管理番号 {code} appears {count} times", None)
    by_measure: dict[str, list[int]] = {}
    for c in cards:
        m, _, n = c.code.rpartition("-")
        by_measure.setdefault(m, []).append(int(n))
    codes = {m.code for m in measures}
    for m, numbers in by_measure.items():
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        if missing:
            ctx.log.warning("check_numbering_gap", f"施策 {m}: 管理番号 {m}-{missing} not found")
        if m not in codes:
            ctx.log.warning("check_measure_missing", f"cards {m}-… have no 施策 {m} overview page")
