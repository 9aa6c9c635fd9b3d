"""A page's value lines → classified pieces (tag lines, marks, text boxes, year headers, 目的 labels)."""

from __future__ import annotations

from planparse.memo import _memo
from planparse.parsers.hachioji_action_plan.model import Context, Piece
from planparse.parsers.hachioji_action_plan.names import split_name
from planparse.parsers.hachioji_action_plan.patterns import (
    DASH_TOKEN,
    LABEL_KEYS,
    MARK_LINE,
    OBJECTIVE_LABEL_KEYS,
    PAGE_NUMBER,
    TAG_TOKEN,
)
from planparse.parsers.hachioji_action_plan.year_header import is_year_header, year_header

# the keys ``value_pieces`` looks at before it takes a text line into a box
STRUCTURE_KEYS = LABEL_KEYS | OBJECTIVE_LABEL_KEYS  # 備考 and 目的 among them


def value_pieces(ctx: Context, start: int, end: int, *, lone_labels: bool = False) -> list[Piece]:
    """Classify the value lines ``start``..``end``-1 into pieces (see ``Piece``).

    ``lone_labels``: a ``目的`` or ``あるべき姿`` line alone (its partner lost) is an anchor ``O`` too,
    and a label repeated is one anchor (used when the label pairs do not match the page's headers).
    A label of the header's label block standing among the values (``備考``, a repeated
    ``事業名称 担当：``) is an ignorable piece ``P``.
    """
    pieces: list[Piece] = []
    gap = True
    n = start
    keys, year_starts = ctx.keys, ctx.year_starts
    kinds = span_kinds(ctx, start, end)
    while n < end:
        key = keys[n - 1]
        kind = kinds[n - 1]
        if not kind:  # blank
            gap = True
            n += 1
            continue
        # a text line that is no label and cannot open a year header opens a box (below); every other
        # line is looked at here
        if kind != "X" or n in year_starts or key in STRUCTURE_KEYS:
            if kind == "I":  # only U+3000
                pieces.append(Piece("I", [n], gap))
                gap = False
                n += 1
                continue
            if kind == "P":
                pieces.append(Piece("P", [n], gap))
                gap = True
                n += 1
                continue
            if n in year_starts:  # ``starts_year_header``
                piece = year_header(ctx, n, end)
                if piece is None and len(pieces) >= 2 and pieces[-2].kind == "O" and pieces[-1].kind == "X":
                    piece = year_header(ctx, n, end, min_columns=1)  # header cut by the next card (3-6-5)
                if piece is not None:
                    piece.gap = gap
                    if pieces and pieces[-1].kind == "Y":  # columns written twice (2-1-2)
                        prev = pieces[-1]
                        prev.lines += piece.lines
                        prev.conflicts += (f"columns {list(piece.years)} written again at line {piece.first}",)
                    else:
                        pieces.append(piece)
                    gap = False
                    n = piece.last + 1
                    continue
                if gap and (n + 1 >= end or not ctx.keys[n]) and not ctx.lines[n - 1].startswith((" ", "\u3000")):
                    # a year line standing alone (not a header, not opening a text): a stray header line
                    pieces.append(Piece("P", [n], gap))
                    n += 1
                    continue
            if key == "備考":  # the table's 備考 label, repeated in the values of 基本方針2 pages
                pieces.append(Piece("P", [n], gap))
                gap = True
                n += 1
                continue
            if key == "目的" and not lone_labels:  # the label pair 目的 / あるべき姿
                nxt = ctx.next_nonempty(n + 1, end)
                after = ctx.next_nonempty(nxt + 1, end) if nxt is not None else None
                if nxt is not None and ctx.keys[nxt - 1] != "あるべき姿" and after is not None and \
                        ctx.keys[after - 1] == "あるべき姿":
                    # one foreign line between the two labels (a damaged copy): skipped
                    ctx.log.warning("label_block_interrupted",
                                    f"the line {ctx.lines[nxt - 1].strip()!r} stands between the labels 目的 and "
                                    "あるべき姿; skipped", nxt)
                    nxt = after
                if nxt is not None and ctx.keys[nxt - 1] == "あるべき姿":
                    pieces.append(Piece("O", [n, nxt], gap))
                    gap = False
                    n = nxt + 1
                    continue
            if key in OBJECTIVE_LABEL_KEYS and lone_labels:
                # one of the two labels alone (a line lost) still anchors a card, and a label written
                # twice (a repeated line) is one anchor
                lines = [n]
                nxt = ctx.next_nonempty(n + 1, end)
                while nxt is not None and ctx.keys[nxt - 1] in OBJECTIVE_LABEL_KEYS and \
                        ctx.keys[nxt - 1] != ctx.keys[lines[-1] - 1]:
                    lines.append(nxt)
                    nxt = ctx.next_nonempty(nxt + 1, end)
                if pieces and pieces[-1].kind == "O" and ctx.next_nonempty(pieces[-1].last + 1, end) == n:
                    pieces[-1].lines += lines
                else:
                    pieces.append(Piece("O", lines, gap))
                gap = False
                n = lines[-1] + 1
                continue
            if key in LABEL_KEYS or key in OBJECTIVE_LABEL_KEYS:
                # a label of the header's label block standing among the values; a 目的 or あるべき姿
                # without its partner (taken as an anchor only when the pairs do not match the headers)
                pieces.append(Piece("P", [n], gap))
                gap = True
                n += 1
                continue
            if kind != "X":
                pieces.append(Piece(kind, [n], gap))
                gap = False
                n += 1
                continue
        box = [n]
        n += 1
        # the box runs on over text lines up to a 目的 or あるべき姿 label or a year header (a blank line,
        # a page number or any other kind of line ends it too)
        while n < end and kinds[n - 1] == "X" and keys[n - 1] not in OBJECTIVE_LABEL_KEYS and \
                not (n in year_starts and is_year_header(ctx, n, end)):
            box.append(n)
            n += 1
        pieces.append(Piece("X", box, gap))
        gap = False
    return _split_lost_gaps(ctx, pieces)


def _split_lost_gaps(ctx: Context, pieces: list[Piece]) -> list[Piece]:
    """A text box whose last line is a ``<名称> <担当>`` line followed by a box and a 目的 label is two
    boxes whose blank line was lost (a 目的・あるべき姿 text, then the next card's name): split it."""
    # such a box stands two pieces before a 目的 label: only those are looked at
    split = [i for i in (a - 2 for a, p in enumerate(pieces) if p.kind == "O") if i >= 0 and _lost_gap(ctx, pieces, i)]
    if not split:
        return pieces
    out: list[Piece] = []
    for i, p in enumerate(pieces):
        if i in split:
            out.append(Piece("X", p.lines[:-1], p.gap))
            out.append(Piece("X", p.lines[-1:], True))
        else:
            out.append(p)
    return out


def _lost_gap(ctx: Context, pieces: list[Piece], i: int) -> bool:
    """Piece ``i`` is a box of several lines ending with a name line, then a box, then a 目的 label."""
    p = pieces[i]
    return p.kind == "X" and len(p.lines) > 1 and pieces[i + 1].kind == "X" and pieces[i + 2].kind == "O" and \
        split_name(ctx.lines[p.last - 1].strip(" \u3000")) is not None and \
        split_name(ctx.lines[p.lines[-2] - 1].strip(" \u3000")) is None


def basic_kind(ctx: Context, n: int) -> str:
    """What line ``n`` is on its own: ``""`` blank, ``I`` U+3000 only, ``P`` a page number, else
    its ``line_kind``. Worked out once per line (``Context.kinds``, see ``span_kinds``)."""
    kind = ctx.kinds[n - 1]
    return kind if kind is not None else span_kinds(ctx, n, n + 1)[n - 1]


def span_kinds(ctx: Context, start: int, end: int) -> list[str | None]:
    """Work out ``basic_kind`` of the lines ``start``..``end``-1 not yet known; returns ``ctx.kinds``
    (line n's kind at ``[n - 1]``)."""
    kinds, lines, keys = ctx.kinds, ctx.lines, ctx.keys
    for i in range(start - 1, end - 1):
        if kinds[i] is not None:
            continue
        key = keys[i]
        if not key:  # blank, or whitespace only (U+3000)
            kinds[i] = "I" if lines[i].strip(" \t") else ""
        elif "【" in key or "】" in key or key[0] == "-":
            # ``line_kind`` tells only a line with a bracket or a leading dash from text, and the key of
            # such a line has them too (NFKC keeps 【 】, turns a leading － into -); a page number's
            # key has digits only (NFKC turns a digit into one digit)
            kinds[i] = line_kind(lines[i])
        elif len(key) <= 4 and PAGE_NUMBER.match(lines[i].strip(" ")):  # at most 4 digits
            kinds[i] = "P"
        else:
            kinds[i] = "X"
    return kinds


def line_kind(raw: str) -> str:
    """``M`` mark, ``T`` tag line, ``D`` dash line or ``X`` text (for one non-blank line)."""
    if "【" in raw or "】" in raw or raw.strip(" \u3000")[:1] in ("-", "－"):
        return _marked_line_kind(raw)  # marks and tag lines have a bracket, dash lines start with a dash
    return "X"


@_memo  # tag rows and marks are written alike again and again
def _marked_line_kind(raw: str) -> str:
    """``line_kind`` of a line with a bracket 【 or 】 or starting with a dash."""
    bracket = "【" in raw or "】" in raw
    if bracket and MARK_LINE.match(raw):
        return "M"
    tokens, n_tags = tag_tokens(raw.strip(" \u3000"))
    if not tokens:
        return "X"
    if all(DASH_TOKEN.match(t) for t in tokens):
        return "D"
    if bracket and n_tags and ("【" in tokens[0] or "】" in tokens[0] or DASH_TOKEN.match(tokens[0])):
        # a tag row, possibly with 備考 text after its cells ("… 【一部運用開始】 窓口においても")
        if any("【" in t or "】" in t for t in tokens[:n_tags]):
            return "T"
    return "X"


@_memo  # a tag row is read here and again by ``plan_cells.tag_entries``
def tag_tokens(text: str) -> tuple[tuple[str, ...], int]:
    """The tokens of a line's text (split on spaces) and how many of them, from the first on, are
    tag-row tokens (``TAG_TOKEN``: the row's cells; text after them is 備考)."""
    tokens = tuple([t for t in text.split(" ") if t])
    n_tags = 0
    for t in tokens:
        if TAG_TOKEN.match(t) is None:
            break
        n_tags += 1
    return tokens, n_tags
