"""The driver: regions → front matter → measures → per page pieces → units → pairing → cards → checks."""

from __future__ import annotations

from planparse.ingest import SourceDocument
from planparse.parsers.hachioji_action_plan.card import build_card
from planparse.parsers.hachioji_action_plan.checks import check_cards
from planparse.parsers.hachioji_action_plan.front_matter import (
    policy_names_from_figures,
    progress_table,
    read_title,
)
from planparse.parsers.hachioji_action_plan.measures import read_measure
from planparse.parsers.hachioji_action_plan.model import Context, Header, Settings
from planparse.parsers.hachioji_action_plan.pairing import pair_units
from planparse.parsers.hachioji_action_plan.pieces import value_pieces
from planparse.parsers.hachioji_action_plan.regions import document_fiscal_years, find_regions
from planparse.parsers.hachioji_action_plan.units import find_units
from planparse.schemas.base import ParseResult
from planparse.schemas.hachioji_action_plan import (
    HachiojiActionPlan,
    HachiojiCard,
    HachiojiMeasure,
    HachiojiPolicy,
)


def parse_document(doc: SourceDocument, municipality_code: str, municipality_name: str,
                   settings: Settings | None = None) -> ParseResult:
    """Read the policies, measures, cards and the progress table of one action plan.

    Input: the document (its ``lines``), the municipality written into the record, optional
    ``Settings``. Output: ``ParseResult`` with a ``HachiojiActionPlan`` and the warnings/errors met.
    Never raises on irregular input.
    """
    ctx = Context(doc.lines, settings)
    regions = find_regions(ctx)
    figures = progress_table(ctx, 1, regions.front_end)
    fiscal_years = document_fiscal_years(ctx)
    ctx.fiscal_years = fiscal_years
    policies: dict[str, HachiojiPolicy] = {}
    measures: list[HachiojiMeasure] = []
    for seq, (start, end) in enumerate(regions.measure_spans, start=1):
        measure = read_measure(ctx, start, end, seq, policies, fiscal_years, measures)
        if measure is not None:
            measures.append(measure)
    policy_names_from_figures(ctx, policies, figures)
    cards: list[HachiojiCard] = []
    for page, (start, end) in zip(regions.pages, regions.value_spans, strict=True):
        cards.extend(read_page(ctx, page, start, end, fiscal_years))
    cards.sort(key=lambda c: [int(x) for x in c.code.split("-")])
    for seq, card in enumerate(cards, start=1):
        card.seq = seq
    check_cards(ctx, cards, measures, regions.headers)
    record = HachiojiActionPlan(
        title=read_title(ctx, regions.front_end),
        municipality_code=municipality_code,
        municipality_name=municipality_name,
        fiscal_years=fiscal_years,
        policies=sorted(policies.values(), key=lambda p: p.seq),
        measures=measures,
        cards=cards,
        figures=figures,
    )
    return ParseResult(record=record, issues=ctx.log.issues)


def read_page(ctx: Context, page: list[Header], start: int, end: int, years: list[int]) -> list[HachiojiCard]:
    """The cards of one page: its value lines ``start``..``end``-1 → pieces → units → pairs → cards.
    Logs ``card_count_mismatch`` (and returns no card) when the units do not match the headers."""
    pieces = value_pieces(ctx, start, end)
    units = find_units(ctx, pieces, page)
    codes = " ".join(h.code for h in page)
    if len(units) != len(page):
        ctx.log.error("card_count_mismatch",
                      f"page {codes}: {len(page)} card headers but {len(units)} 目的/あるべき姿 blocks; "
                      "the page's cards could not be paired and were not read", page[0].line)
        return []
    return [build_card(ctx, header, unit, years) for header, unit in pair_units(ctx, page, units)]
