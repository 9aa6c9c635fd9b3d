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
from planparse.parsers.hachioji_action_plan.model import Context, Header, Settings, Unit, piece_text
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
    Never raises on irregular input: an overview page, a card page or a card that cannot be read
    becomes an error (``measure_unreadable``, ``card_unreadable`` naming the 管理番号) and the rest is
    kept.
    """
    # detection's match keys when it made them (reused where they equal the line keys); otherwise the
    # line keys are cheaper than the match text
    ctx = Context(doc.lines, settings, match_text=doc.match_text_if_made())
    regions = find_regions(ctx)
    figures = progress_table(ctx, 1, regions.front_end)
    fiscal_years = document_fiscal_years(ctx)
    ctx.fiscal_years = fiscal_years
    policies: dict[str, HachiojiPolicy] = {}
    measures: list[HachiojiMeasure] = []
    for seq, (start, end) in enumerate(regions.measure_spans, start=1):
        try:
            measure = read_measure(ctx, start, end, seq, policies, fiscal_years, measures)
        except Exception as exc:  # one overview page costs only its measure
            ctx.log.error("measure_unreadable",
                          f"the 施策 overview page at lines {start}–{end - 1} could not be read "
                          f"({type(exc).__name__}: {exc}); its measure was not extracted", start)
            continue
        if measure is not None:
            measures.append(measure)
    policy_names_from_figures(ctx, policies, figures)
    cards: list[HachiojiCard] = []
    for page, spans in zip(regions.pages, regions.value_spans, strict=True):
        try:
            cards.extend(read_page(ctx, page, spans, fiscal_years))
        except Exception as exc:  # a page that cannot be read costs its cards, never the document
            for header in page:
                ctx.log.error("card_unreadable",
                              f"card {header.code}: its page ({' '.join(h.code for h in page)}, values at lines "
                              f"{_span_text(spans)}) could not be read ({type(exc).__name__}: {exc}); the card "
                              "was not extracted", header.line, initiative=header.code)
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


def read_page(ctx: Context, page: list[Header], spans: list[tuple[int, int]], years: list[int]
              ) -> list[HachiojiCard]:
    """The cards of one page: its value lines (``spans``, see ``regions.group_pages``) → pieces →
    units → pairs → cards.

    Every card has one 目的/あるべき姿 label pair. When the pairs do not match the headers, the page is
    read again taking a lone 目的 or あるべき姿 line as a pair (a line lost or repeated); when that
    does not match either, the units found are paired as far as they go: surplus units with the
    least content are left out (``card_count_mismatch``, error), headers left without a unit are
    ``card_unreadable`` errors. The other cards of the page are kept.
    """
    codes = " ".join(h.code or "?" for h in page)
    mark = len(ctx.log.issues)
    pieces = [p for s, e in spans for p in value_pieces(ctx, s, e)]
    units = find_units(ctx, pieces, page)
    if len(units) != len(page):
        strict_issues = ctx.log.issues[mark:]
        del ctx.log.issues[mark:]
        lone = [p for s, e in spans for p in value_pieces(ctx, s, e, lone_labels=True)]
        lone_units = find_units(ctx, lone, page)
        if len(lone_units) == len(page) or abs(len(lone_units) - len(page)) < abs(len(units) - len(page)):
            units = lone_units
            ctx.log.warning("objective_label_alone",
                            f"page {codes}: the 目的/あるべき姿 label pairs do not match the {len(page)} card headers; "
                            "a label standing alone (its partner lost or repeated) was taken as a pair",
                            page[0].line)
        else:
            del ctx.log.issues[mark:]
            ctx.log.issues.extend(strict_issues)
    if len(units) > len(page):
        kept = sorted(units, key=_content, reverse=True)[:len(page)]
        left = [u for u in units if u not in kept]
        ctx.log.error("card_count_mismatch",
                      f"page {codes}: {len(page)} card headers but {len(units)} 目的/あるべき姿 blocks; the blocks at "
                      f"lines {', '.join(str(u.anchor.first) for u in left)} (least content) were not read",
                      left[0].anchor.first)
        units = [u for u in units if u in kept]
    cards = []
    pairs = pair_units(ctx, page, units)
    paired = {id(h) for h, _ in pairs}
    for header in page:
        if not header.code:
            continue
        if id(header) not in paired:
            ctx.log.error("card_unreadable",
                          f"card {header.code}: page {codes} has {len(units)} 目的/あるべき姿 blocks for {len(page)} "
                          "card headers; no block was left for this card, so it was not extracted", header.line,
                          initiative=header.code)
    for header, unit in pairs:
        if not header.code:
            name = piece_text(ctx.lines, unit.name) or "?"
            ctx.log.error("card_header_lost",
                          f"page {codes}: the label block at line {header.line} has no 管理番号 line before it; "
                          f"its card ({name!r}, 目的 at line {unit.anchor.first}) was not extracted", header.line)
            continue
        try:
            cards.append(build_card(ctx, header, unit, years))
        except Exception as exc:  # one card that cannot be read costs only itself
            ctx.log.error("card_unreadable",
                          f"card {header.code}: its values could not be read ({type(exc).__name__}: {exc}); "
                          "the card was not extracted", header.line, initiative=header.code)
    return cards


def _content(unit: Unit) -> int:
    """How much of a card a unit holds (name, 事業内容, 目的 text, values), to rank surplus units."""
    return sum(p is not None for p in (unit.name, unit.summary, unit.objective)) * 2 + bool(unit.kpi or unit.tags)


def _span_text(spans: list[tuple[int, int]]) -> str:
    return ", ".join(f"{s}–{e - 1}" for s, e in spans) or "none"
