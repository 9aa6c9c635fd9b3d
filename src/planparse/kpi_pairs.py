"""KPI pairs: link a fiscal year's target and actual of one metric, and add the targets a source
gives only as actual and 対目標 delta (SCHEMA.md v2 "KPI pairs"). Works on the common
``kpi_values`` rows of any format, after ``to_common``.

Within one owner (the initiative, or the measure of a measure-level number) and one fiscal year
(numbers without a fiscal year are never paired; baselines never are):

1. a target and an actual whose metrics are the same (``match_key``) and whose units agree are a
   pair, first come first paired (in ``seq`` order); then a target and an actual where one metric
   ends with the other (at least ``MIN_SUFFIX`` characters: 「AI・RPAの導入による業務削減時間」 /
   「削減時間」) and whose units agree or one of them has none (「業務数 37」 / 「業務数 34業務」);
2. an actual still alone that carries a 対目標 ``delta`` in its own unit gives a derived target:
   a row of its own, ``kind = target``, ``derived = true``, ``value = actual − delta`` (exact
   Decimal), the actual's metric, unit, raw, line and period, paired with that actual;
3. when exactly one target and one actual are still alone and their units agree, they are a pair
   (the source words one metric twice: 「オンラインによる手続き：400件」 / 「オンライン手続き：687件」).

Units agree when equal (NFKC) or when one is the other per period (``件`` and ``件/年``); a number
without unit agrees only with one without unit. ``pair_id`` = ``<owner>:<fiscal_year>:p<n>``, n in
the order of the actuals.
"""

from __future__ import annotations

from collections.abc import Sequence

from planparse.normalize import match_key, nfkc
from planparse.schemas.common import KpiValue

__all__ = ["MIN_SUFFIX", "pair_kpis", "units_agree"]

MIN_SUFFIX = 2


def units_agree(a: str | None, b: str | None) -> bool:
    """True when two units name the same quantity (``%``/``％``, ``件``/``件/年``); None agrees with None."""
    return _agree(_unit_key(a), _unit_key(b))


def _unit_key(unit: str | None) -> str | None:
    """What ``units_agree`` compares of a unit: its NFKC, stripped (None stays None)."""
    return None if unit is None else nfkc(unit).strip()


def _agree(a: str | None, b: str | None) -> bool:
    """``units_agree`` of two ``_unit_key`` values."""
    if a is None or b is None:
        return a is None and b is None
    return a == b or a.split("/", 1)[0] == b or b.split("/", 1)[0] == a


def _delta_in_unit(actual: KpiValue) -> bool:
    return actual.delta is not None and (actual.delta_unit is None or units_agree(actual.delta_unit, actual.unit))


def pair_kpis(values: Sequence[KpiValue]) -> list[KpiValue]:
    """Pair targets with actuals and add derived targets (see the module rules).

    Input: one document's ``kpi_values`` rows. Output: the same rows, in their order, with a derived
    target right after each actual it was derived from. A row that has a partner gets its
    ``pair_id`` in place (not a copy: the rows are the document's, and a copy of each of the ~270
    paired rows of the five documents of ``data/raw`` took ~0.4 ms). Never raises.
    """
    out = list(values)
    groups: dict[tuple[str, int], list[int]] = {}
    for n, v in enumerate(out):
        owner = v.initiative_id or v.measure_id
        if owner is None or v.fiscal_year is None or v.kind == "baseline":
            continue
        groups.setdefault((owner, v.fiscal_year), []).append(n)
    derived_after: dict[int, KpiValue] = {}
    for (owner, fiscal_year), members in groups.items():
        actuals = [n for n in members if out[n].kind == "actual"]
        if not actuals:
            continue  # nothing to pair, nothing to derive
        targets = [n for n in members if out[n].kind == "target"]
        if not targets and not any(out[a].delta is not None for a in actuals):
            continue
        targets.sort(key=lambda n: out[n].seq)
        actuals.sort(key=lambda n: out[n].seq)
        # each member's metric key and unit key, worked out once (the rules compare them pair by pair)
        keys = {n: match_key(out[n].metric or "") for n in members}
        units = {n: _unit_key(out[n].unit) for n in members}
        partner: dict[int, int | None] = {}  # actual index → target index (None: derived target)
        free = list(targets)
        for a in actuals:  # rule 1: same metric, same unit
            key = keys[a]
            for t in free:
                if key and keys[t] == key and _agree(units[t], units[a]):
                    partner[a] = t
                    free.remove(t)
                    break
        for a in actuals:  # rule 1, second pass: one metric ends with the other
            if a in partner:
                continue
            key = keys[a]
            best = None
            for t in free:
                other = keys[t]
                shorter = min(len(key), len(other))
                if shorter < MIN_SUFFIX or not (key.endswith(other) or other.endswith(key)):
                    continue
                if not (_agree(units[t], units[a]) or units[t] is None or units[a] is None):
                    continue
                if best is None or shorter > best[0]:
                    best = (shorter, t)
            if best is not None:
                partner[a] = best[1]
                free.remove(best[1])
        next_seq = max((out[t].seq for t in targets), default=0)
        derived_seq: dict[int, int] = {}  # actual index → seq of the target derived from it (rule 2)
        for a in actuals:  # rule 2: derived from the 対目標 delta
            if a in partner or not _delta_in_unit(out[a]):
                continue
            next_seq += 1
            derived_seq[a] = next_seq
            partner[a] = None
        alone = [a for a in actuals if a not in partner]
        if len(alone) == 1 and len(free) == 1 and _agree(units[free[0]], units[alone[0]]):
            partner[alone[0]] = free[0]  # rule 3: the one target and the one actual left
        for n, a in enumerate((a for a in actuals if a in partner), start=1):
            pid = f"{owner}:{fiscal_year}:p{n}"
            actual = out[a]
            actual.pair_id = pid
            t = partner[a]
            if t is None:  # the derived target, made with its pair_id
                seq = derived_seq[a]
                derived_after[a] = KpiValue.make(
                    kpi_value_id=f"{owner}:{fiscal_year}:target:{seq}", initiative_id=actual.initiative_id,
                    measure_id=actual.measure_id, fiscal_year=fiscal_year, kind="target", metric=actual.metric,
                    value=actual.value - actual.delta, unit=actual.unit, raw=actual.raw, seq=seq,
                    approximate=actual.approximate, source_line=actual.source_line, period=actual.period,
                    pair_id=pid, derived=True,
                )
            else:
                out[t].pair_id = pid
    result: list[KpiValue] = []
    for n, v in enumerate(out):
        result.append(v)
        if n in derived_after:
            result.append(derived_after[n])
    return result
