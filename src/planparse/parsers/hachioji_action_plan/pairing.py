"""Units ↔ 管理番号: the ``ＫＰＩ`` label switch and the bottom-up rule (notes §4), wording affinity on
interleaved pages (§5.3)."""

from __future__ import annotations

from planparse.normalize import (
    match_key,
)
from planparse.parsers.hachioji_action_plan.model import Context, Header, Unit, piece_text


def check_affinity(ctx: Context, units: list[Unit], codes: str) -> None:
    """Interleaved pages: when a KPI block (tags + cells) was placed as an orphan without a name,
    compare each KPI block with each card's name/事業内容/目的 (shared character pairs) and swap
    two blocks when the swap fits clearly better. Reported either way."""
    kpi_units = [u for u in units if u.is_kpi and u.kpi]
    moved = [u for u in kpi_units if u.kpi_from_orphan and not u.kpi_with_name]
    if len(kpi_units) < 2 or not moved:
        return
    for u in moved:
        best = None
        for other in kpi_units:
            if other is u:
                continue
            keep = affinity(ctx, u, u) + affinity(ctx, other, other)
            swap = affinity(ctx, u, other) + affinity(ctx, other, u)
            if swap > keep * ctx.settings.affinity_ratio and swap - keep >= ctx.settings.affinity_margin and (best is None or swap - keep > best[1]):
                best = (other, swap - keep)
        line = u.kpi[0].first
        if best is not None:
            other = best[0]
            u.tags, other.tags = other.tags, u.tags
            u.kpi, other.kpi = other.kpi, u.kpi
            u.displaced_tags, other.displaced_tags = other.displaced_tags, u.displaced_tags
            u.notes, other.notes = other.notes, u.notes
            for unit in (u, other):
                unit.notes.append(f"KPI block at line {unit.kpi[0].first} given to this card by its wording")
            ctx.log.warning(
                "interleaved_blocks",
                f"page {codes}: the KPI blocks at lines {u.kpi[0].first} and {other.kpi[0].first} are "
                "interleaved with the cards' names; the layout cannot decide, so each block was given to "
                "the card whose name/事業内容/目的 shares the most wording with it", line)
        else:
            ctx.log.warning(
                "interleaved_blocks",
                f"page {codes}: the KPI block at line {line} is separated from its card's name; it was given "
                "to the card lacking a KPI block (its wording does not point to another card)", line)


def affinity(ctx: Context, kpi_owner: Unit, identity: Unit) -> float:
    """Share of the KPI block's character pairs that also occur in a card's name/事業内容/目的."""
    kpi_text = match_key("".join(piece_text(ctx.lines, p) for p in kpi_owner.tags + kpi_owner.kpi if p.kind == "X"))
    ident = match_key(identity.identity_text(ctx.lines))
    pairs = {kpi_text[i:i + 2] for i in range(len(kpi_text) - 1)}
    other = {ident[i:i + 2] for i in range(len(ident) - 1)}
    return len(pairs & other) / len(pairs) if pairs else 0.0


def pair_units(ctx: Context, page: list[Header], units: list[Unit]) -> list[tuple[Header, Unit]]:
    """Pair units with headers: within each kind (KPI / no KPI) the blocks come bottom-up."""
    codes = " ".join(h.code or "?" for h in page)
    pairs = []
    for kind in (True, False):
        headers = [h for h in page if h.has_kpi == kind]
        chosen = [u for u in units if u.is_kpi == kind]
        chosen.sort(key=(lambda u: u.kpi_position) if kind else (lambda u: u.position))
        pairs.extend(zip(headers, reversed(chosen), strict=False))
        if len(chosen) >= 2:
            spans = sorted(u.position for u in units)
            mine = sorted(u.position for u in chosen)
            inner = [p for p in spans if mine[0] < p < mine[-1] and p not in mine]
            if inner:
                ctx.log.warning(
                    "ambiguous_card_order",
                    f"page {codes}: the {'KPI' if kind else 'no-KPI'} cards' blocks are separated by another "
                    "card's block, so their order is not the usual one; paired bottom-up by rule "
                    f"({', '.join(h.code for h in headers)})", page[0].line)
    for h, u in pairs:
        if u.notes:
            ctx.log.warning("block_pieces_relocated",
                            f"card {h.code}: values not in the usual order: {'; '.join(u.notes)}",
                            u.anchor.first, initiative=h.code)
    order = {id(h): i for i, h in enumerate(page)}
    return sorted(pairs, key=lambda hu: order[id(hu[0])])
