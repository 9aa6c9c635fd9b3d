"""Regions of the document: card headers with their label blocks, pages of touching headers, 施策
overview pages, and the document's fiscal-year columns (notes §1, §2)."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from planparse.normalize import (
    nfkc,
)
from planparse.parsers.hachioji_action_plan.model import Context, Header
from planparse.parsers.hachioji_action_plan.patterns import (
    CARD_HEADER,
    KPI_TABLE_LABEL_KEYS,
    LABEL_KEYS,
    LEADING_LABEL_KEYS,
    MEASURE_HEADING,
    MEASURE_HEADING_ANY_GLYPH,
    NAME_LABEL_KEY,
    OBJECTIVE_LABEL_KEYS,
)
from planparse.parsers.hachioji_action_plan.year_header import peek_year_header


def find_headers(ctx: Context) -> list[Header]:
    """Every card header with its label block (the label lines right after it), in line order.

    A label block whose 管理番号 line was lost (a damaged copy: ``事業名称 担当：`` … standing without
    a header, or a second ``事業名称 担当：`` inside a block) becomes a header with an empty ``code``,
    so that the page keeps its shape; its card is reported (``card_header_lost``), not extracted.
    """
    out = []
    for n in [n for n, line in enumerate(ctx.lines, start=1) if "管理番号" in line]:
        m = CARD_HEADER.match(ctx.lines[n - 1])
        if not m:
            continue
        code = nfkc(m.group("code")).replace("－", "-")
        labels = _label_block(ctx, n + 1, f"card {code}")
        out.append(Header(code=code, sub_heading=m.group("sub").strip(" \u3000"), line=n,
                          label_lines=labels, has_kpi=_has_kpi(ctx, labels)))
    out = _drop_stray_repeats(ctx, out)
    in_blocks = {k for h in out for k in h.label_lines}
    for n in ctx.lines_keyed(NAME_LABEL_KEY):
        if n in in_blocks:
            continue
        labels = [n, *_label_block(ctx, n + 1, f"the label block at line {n}", first=False)]
        if len(labels) < 2:
            continue  # a stray label line, not a block
        in_blocks.update(labels)
        out.append(Header(code="", sub_heading="", line=n, label_lines=labels[1:], has_kpi=_has_kpi(ctx, labels)))
    out.sort(key=lambda h: h.line)
    _infer_lost_codes(ctx, out)
    return out


def _infer_lost_codes(ctx: Context, headers: list[Header]) -> None:
    """A label block without 管理番号 between ``a-b-c`` and ``a-b-(c+2)`` is card ``a-b-(c+1)``: the
    numbers of a 施策 run without gaps from 1, so the one missing is the one lost; likewise a block
    right before ``a-b-2`` that follows no card of 施策 ``a-b`` is ``a-b-1`` (``card_code_inferred``)."""
    for i, h in enumerate(headers):
        if h.code or i + 1 >= len(headers) or not headers[i + 1].code:
            continue
        before = headers[i - 1].code if i > 0 else ""
        a = _code_key(headers[i + 1].code)
        b = _code_key(before) if before else ()
        if len(a) != 3:
            continue
        if len(b) == 3 and b[:2] == a[:2] and a[2] == b[2] + 2:
            h.code = f"{a[0]}-{a[1]}-{a[2] - 1}"
        elif a[2] == 2 and b[:2] != a[:2]:
            h.code = f"{a[0]}-{a[1]}-1"
        else:
            continue
        ctx.log.warning("card_code_inferred",
                        f"the label block at line {h.line} has no 管理番号 line before it; it stands "
                        f"{'between ' + before + ' and' if before else 'before'} {headers[i + 1].code}, so it "
                        f"was read as card {h.code}", h.line)


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(x) for x in code.split("-") if x.isdigit())


def _drop_stray_repeats(ctx: Context, headers: list[Header]) -> list[Header]:
    """A 管理番号 written twice: keep the header that stands in sequence (its neighbours' codes
    before and after it) and drop the other copies (a line repeated or pasted elsewhere in a
    damaged copy), each reported as ``duplicate_card``. Headers written once are all kept."""
    count: dict[str, int] = {}
    for h in headers:
        count[h.code] = count.get(h.code, 0) + 1
    if all(c == 1 for c in count.values()):
        return headers

    def fit(i: int) -> int:
        key = _code_key(headers[i].code)
        score = 0
        for j in (i - 1, i + 1):
            if 0 <= j < len(headers) and headers[j].code != headers[i].code:
                other = _code_key(headers[j].code)
                score += (other < key) if j < i else (other > key)
                score += other[:2] == key[:2]
        return score

    keep = set(range(len(headers)))
    for code, c in count.items():
        if c < 2:
            continue
        where = [i for i, h in enumerate(headers) if h.code == code]
        best = max(where, key=lambda i: (fit(i), len(headers[i].label_lines), -i))
        for i in where:
            if i != best:
                keep.discard(i)
                ctx.log.error("duplicate_card",
                              f"管理番号 {code} is written again at line {headers[i].line} (kept: the header at line "
                              f"{headers[best].line}, which stands in sequence); the repeat was ignored",
                              headers[i].line)
    return [h for i, h in enumerate(headers) if i in keep]


def _has_kpi(ctx: Context, labels: list[int]) -> bool:
    """The ＫＰＩ label says the card has a KPI table; so do 目標 and 取組内容, the table's other row
    labels (a card without a table has only 事業名称 担当： and 事業内容), should ＫＰＩ be lost."""
    return any(ctx.keys[k - 1] in KPI_TABLE_LABEL_KEYS for k in labels)


def _label_block(ctx: Context, k: int, owner: str, *, first: bool = True) -> list[int]:
    """The label lines from line ``k`` on (blank lines skipped). Stops at a second ``事業名称 担当：``
    once the block has two labels (the next card's block, its 管理番号 line lost)."""
    labels: list[int] = []
    while (k := ctx.next_nonempty(k)) is not None:
        key = ctx.keys[k - 1]
        if key in LABEL_KEYS:
            if key == NAME_LABEL_KEY and (len(labels) >= 2 or not first):
                break
            labels.append(k)
            k += 1
            continue
        # one foreign line inside the label block (a damaged copy): skipped when a label not yet
        # seen follows it (年度 or 備考 only when a label of the block follows them in turn)
        after = ctx.next_nonempty(k + 1)
        seen = {ctx.keys[x - 1] for x in labels}
        if after is None or ctx.keys[after - 1] not in LABEL_KEYS or ctx.keys[after - 1] in seen:
            break
        if ctx.keys[after - 1] not in LEADING_LABEL_KEYS:  # 年度 / 備考 also open or end year headers
            then = ctx.next_nonempty(after + 1)
            if then is None or ctx.keys[then - 1] not in LEADING_LABEL_KEYS:
                break
        ctx.log.warning("label_block_interrupted",
                        f"{owner}: the line {ctx.lines[k - 1].strip()!r} stands inside its label block "
                        "(事業名称 担当： … ＫＰＩ); skipped", k)
        k = after
    return labels


def group_pages(ctx: Context, headers: list[Header], boundaries: list[int]
                ) -> list[tuple[list[Header], list[tuple[int, int]]]]:
    """Group the headers into pages, each with the line spans (start, end exclusive) of its values.

    A card's values always hold its 目的/あるべき姿 label, so header *k* starts a page of its own only
    when the lines between its label block and header *k*+1 hold such a label (its values stand
    there: the card drawn with its own values). Otherwise header *k*+1 joins *k*'s page (the seed's
    order: all headers of a page first, then the values), and any lines between the two label
    blocks are values of that page too. The last header's values run to the next boundary (a
    header or an overview page, ``boundaries``, in line order)."""
    pages: list[tuple[list[Header], list[tuple[int, int]]]] = []
    page_open = False
    objective_labels = ctx.lines_keyed(*OBJECTIVE_LABEL_KEYS)
    for i, h in enumerate(headers):
        start = max([*h.label_lines, h.line]) + 1
        b = bisect_left(boundaries, start)
        end = boundaries[b] if b < len(boundaries) else len(ctx.lines) + 1
        if page_open:
            pages[-1][0].append(h)
        else:
            pages.append(([h], []))
        if ctx.next_nonempty(start, end) is not None:
            pages[-1][1].append((start, end))
        next_is_header = i + 1 < len(headers) and headers[i + 1].line == end
        label = bisect_left(objective_labels, start)  # the first 目的/あるべき姿 label from ``start`` on
        page_open = next_is_header and not (label < len(objective_labels) and objective_labels[label] < end)
    return pages


def _measure_heading(text: str) -> bool:
    return bool(MEASURE_HEADING.match(text) or MEASURE_HEADING_ANY_GLYPH.match(text))


def overview_starts(ctx: Context, headers: list[Header]) -> list[int]:
    """Lines ``年度`` that open a 施策 overview page: not in a label block, not opening a year header,
    and followed by a ``施策…`` heading before the next card header (a stray ``年度`` among a card's
    values, e.g. in a damaged copy, does not cut the card's page)."""
    in_labels = {k for h in headers for k in h.label_lines}
    header_lines = sorted(h.line for h in headers)
    out = []
    for n in ctx.lines_keyed("年度"):
        if n in in_labels:
            continue
        nxt = ctx.next_nonempty(n + 1)
        if nxt is None or ctx.is_year_line(nxt):
            continue
        end = next((h for h in header_lines if h > n), len(ctx.lines) + 1)
        if any(ctx.keys[k - 1].startswith("施策") and _measure_heading(ctx.lines[k - 1].strip(" \u3000"))
               for k in range(n + 1, end)):
            out.append(n)
    return out


def measure_regions(ctx: Context, starts: list[int], headers: list[Header]) -> list[tuple[int, int]]:
    """(start, end) of each overview page: from its ``年度`` line to the next card header.
    When several 年度 pages come before one header, the last one is the overview (the others
    are examples or schedules of the front matter)."""
    header_lines = [h.line for h in headers]
    regions = []
    for i, s in enumerate(starts):
        nxt_header = next((h for h in header_lines if h > s), None)
        if nxt_header is None:
            continue
        nxt_start = starts[i + 1] if i + 1 < len(starts) else None
        if nxt_start is not None and nxt_start < nxt_header:
            continue
        regions.append((s, nxt_header))
    return regions


def document_fiscal_years(ctx: Context) -> list[int]:
    """The columns of the card tables: the most common complete year header's years."""
    counts: Counter[tuple[int, ...]] = Counter()
    after = 0  # the last line of the header counted last
    for n in ctx.era_year_lines:
        if n <= after:
            continue
        piece = peek_year_header(ctx, n, len(ctx.lines) + 1)  # only read here
        if piece is not None:
            counts[piece.years] += 1
            after = piece.last
    if not counts:
        return []
    best = max(counts, key=lambda ys: (counts[ys], len(ys)))
    return list(best)


@dataclass
class Regions:
    """Where things are: ``headers`` (every card header), ``pages`` (headers whose label blocks touch,
    with ``value_spans[i]`` = (start, end) lines of page *i*'s values, end exclusive), ``measure_spans``
    ((start, end) of each 施策 overview page), ``front_end`` (first line after the front matter)."""

    headers: list[Header]
    pages: list[list[Header]]
    value_spans: list[list[tuple[int, int]]]
    measure_spans: list[tuple[int, int]]
    front_end: int


def find_regions(ctx: Context) -> Regions:
    """Split the document into front matter, overview pages and card pages (module docstring of the
    package). Logs ``no_cards`` when no ``管理番号`` header exists; never raises."""
    headers = find_headers(ctx)
    if not headers:
        ctx.log.error("no_cards", "no card header (… 管理番号 x-y-z) found: nothing extracted")
    starts = overview_starts(ctx, headers)
    first_header = headers[0].line if headers else len(ctx.lines) + 1
    front_end = min([s for s in starts if s < first_header] or [first_header])
    # the overview page right before the first card is the first measure; earlier 年度 pages
    # (the 記載方式 example) belong to the front matter
    spans = measure_regions(ctx, starts, headers)
    if spans:
        front_end = spans[0][0]
    boundaries = sorted(set(starts) | {h.line for h in headers})
    grouped = group_pages(ctx, headers, boundaries)
    return Regions(headers=headers, pages=[g[0] for g in grouped], value_spans=[g[1] for g in grouped],
                   measure_spans=spans, front_end=front_end)
