"""施策 overview pages → measures: 基本方針 line, 施策 heading, （１）（２）（３） texts, the 全体目標 grid."""

from __future__ import annotations

from collections.abc import Sequence

from planparse.normalize import (
    CIRCLED_NUMBER,
    circled_to_int,
    join_wrapped,
    match_key,
    parse_number,
    to_int,
)
from planparse.parsers.hachioji_action_plan.model import Context
from planparse.parsers.hachioji_action_plan.patterns import (
    CONTINUATION_START,
    DIGIT_START,
    DIRECTION_LABEL,
    IMPLEMENTATION_LABEL,
    MEASURE_HEADING,
    MEASURE_HEADING_ANY_GLYPH,
    NOTE_CONTINUATION,
    OBJECTIVE_LABEL,
    OPEN_END,
    PAGE_NUMBER,
    PARTICLE_START,
    POLICY_LINE,
    REFERENCE_NOTE,
    SCHEDULE_CAPTION,
    YEAR_WORDS,
)
from planparse.schemas.hachioji_action_plan import (
    HachiojiMeasure,
    HachiojiPolicy,
)


def read_measure(ctx: Context, start: int, end: int, seq: int, policies: dict[str, HachiojiPolicy],
                 years: Sequence[int], earlier: Sequence[HachiojiMeasure]) -> HachiojiMeasure | None:
    """A 施策 overview page: 基本方針 line, 施策 heading, （１）（２）（３） texts and the 全体目標 grid.

    The measure number is the heading's circled digit; when that glyph is not a circled number
    (lost in a re-encoded copy: ``施策? 行政手続…``), it is the measure's rank among the
    measures of its 基本方針 read so far, with a warning."""
    heading = policy = None
    loose = None
    labels: dict[str, int] = {}
    for n in range(start, end):
        key = ctx.keys[n - 1]
        if not key:
            continue
        # each pattern is tried only on the lines starting (or ending) as it requires
        line = ctx.lines[n - 1].strip(" \u3000") if key.startswith(("施策", "基本方針")) else ""
        if line and heading is None and (m := MEASURE_HEADING.match(line)):
            heading = (n, m)
        elif line and heading is None and loose is None and (m := MEASURE_HEADING_ANY_GLYPH.match(line)):
            loose = (n, m)
        elif line and policy is None and (m := POLICY_LINE.match(line)):
            policy = (n, m)
        elif key.startswith("(1)") and OBJECTIVE_LABEL.match(key):
            labels.setdefault("objective", n)
        elif key.startswith("(2)") and DIRECTION_LABEL.match(key):
            labels.setdefault("direction", n)
        elif key.endswith("実施内容") and IMPLEMENTATION_LABEL.match(key):
            labels.setdefault("implementation", n)
        elif key.startswith("実現に向けた") and SCHEDULE_CAPTION.match(key):
            labels.setdefault("schedule", n)
    if heading is None and loose is not None:
        heading = loose
    if heading is None:
        ctx.log.error("measure_heading_missing",
                      "an overview page (年度 … 施策) has no 施策 heading: its measure was not read", start)
        return None
    if policy is None:
        ctx.log.error("policy_line_missing", "an overview page has no 基本方針 line: its measure was not read",
                      heading[0])
        return None
    pcode = str(to_int(policy[1].group("num")))
    if pcode not in policies:
        policies[pcode] = HachiojiPolicy(code=pcode, name=policy[1].group("name").strip(),
                                         subtitle=policy[1].group("sub"), seq=len(policies) + 1,
                                         source_line=policy[0])
    else:
        known = policies[pcode]
        name = policy[1].group("name").strip()
        if name != known.name and name not in known.name_variants:
            known.name_variants.append(name)
    number = circled_to_int(heading[1].group("num"))
    if number is None:
        number = 1 + sum(1 for m in earlier if m.policy_code == pcode)
        ctx.log.warning("measure_number_from_order",
                        f"施策 heading glyph {heading[1].group('num')!r} is not a circled number; "
                        f"numbered {pcode}-{number} by its order under 基本方針{pcode}", heading[0],
                        measure=f"{pcode}-{number}")
    skip = {heading[0], policy[0], *labels.values()}
    objective, direction, implementation, text_lines = measure_texts(ctx, labels, start, end, skip)
    grid_end = min([heading[0], policy[0], *[v for k, v in labels.items() if k != "schedule"]])
    rows, cells = read_grid(ctx, start + 1, grid_end, years)
    # a page number's key is its 1-4 digits: the pattern is tried on short keys only
    unread = [n for n in range(grid_end, end) if ctx.keys[n - 1] and n not in skip and n not in text_lines
              and not (len(ctx.keys[n - 1]) <= 4 and PAGE_NUMBER.match(ctx.lines[n - 1].strip(" ")))]
    if unread:
        ctx.log.warning(
            "overview_schedule_not_read",
            f"施策 {pcode}-{number}: {len(unread)} lines of the 実現に向けた主なスケジュール chart (lines "
            f"{unread[0]}–{unread[-1]}, drawn when the plan was made) are not read: the text does not tie "
            "its cells to years or rows", unread[0], measure=f"{pcode}-{number}")
    return HachiojiMeasure(
        code=f"{pcode}-{number}", number=number or 0, name=heading[1].group("name").strip(), policy_code=pcode,
        objective=objective, direction=direction, implementation=implementation, grid_rows=rows,
        grid_cells=cells, heading_line=heading[0], source_line_start=start, source_line_end=end - 1, seq=seq,
    )


def measure_texts(ctx: Context, labels: dict[str, int], start: int, end: int,
                  skip: set[int]) -> tuple[str | None, list[str], list[str], set[int]]:
    """（１）目的・あるべき姿 = text after the （１）（２） labels up to the first ①-item; （２）事業の方向性 =
    the ①… items up to the 実施内容 label; （３）実施内容 = the ①… items after it, then sentences
    ending in ます (the schedule chart's cells follow and are not read)."""
    objective_lines: list[int] = []
    direction: list[list[int]] = []
    implementation: list[list[int]] = []
    if "direction" in labels or "objective" in labels:
        first = max(labels.get("objective", 0), labels.get("direction", 0)) + 1
        last = labels.get("implementation", end)
        for n in range(first, last):
            if n in skip or not ctx.keys[n - 1]:
                continue
            text = ctx.lines[n - 1].strip(" \u3000")
            if CIRCLED_NUMBER.match(text):
                direction.append([n])
            elif direction:
                direction[-1].append(n)
            else:
                objective_lines.append(n)
    else:
        ctx.log.warning("measure_labels_missing", "overview page without （１）（２） labels: objective not read",
                        start)
    if "implementation" in labels:
        prev_blank = False
        for n in range(labels["implementation"] + 1, end):
            if n in skip:
                continue
            if not ctx.keys[n - 1]:
                prev_blank = True
                continue
            text = ctx.lines[n - 1].strip(" \u3000")
            if CIRCLED_NUMBER.match(text) or text.endswith(("ます", "ます。")):
                implementation.append([n])
            elif implementation and not prev_blank and not ctx.lines[implementation[-1][-1] - 1].rstrip(
                    " \u3000").endswith(("ます", "。")):
                implementation[-1].append(n)
            else:
                break
            prev_blank = False
    join = lambda group: join_wrapped(ctx.lines[k - 1] for k in group)  # noqa: E731
    objective = join(objective_lines) or None
    used = set(objective_lines) | {n for g in direction + implementation for n in g}
    return objective, [join(g) for g in direction], [join(g) for g in implementation], used


def read_grid(ctx: Context, start: int, end: int, years: Sequence[int]) -> tuple[list[str], list[dict]]:
    """The 全体目標 grid of an overview page (lines ``start``..``end``-1, after its 年度 line): its row
    labels and the fields of its ``HachiojiGridCell`` (validated with the ``HachiojiMeasure``).

    The grid's text comes as boxes (lines not separated by a blank line) mixed with its labels
    (``目標`` ``ＫＰＩ`` ``備考``, the year header). A box without a number before the first ``目標``
    label, or right before a ``目標`` label, is a row label (``オンライン申請``); every other box is
    a cell. A box ending mid-phrase (``…手続の30％を``) is joined with the next one, and so is a
    box followed by one that starts with a particle, ``（`` or ``※`` or by a bare number. 参考
    boxes (and the boxes of that note up to its first figure, plus ``※…``/``うち…`` after it) are
    baselines. Year-header lines of the document's years are skipped (other years, such as the
    ``令和３年度`` of a 参考 note, are text).
    """
    items: list[tuple[str, list[int]]] = []  # ("box", lines) or ("label", [line]) with the label key
    cur: list[int] = []
    n = start

    def flush() -> None:
        nonlocal cur
        if cur:
            items.append(("box", cur))
            cur = []

    while n < end:
        key = ctx.keys[n - 1]
        if not key:
            flush()
            n += 1
            continue
        if ctx.is_year_line(n):
            g = ctx.next_nonempty(n + 1, end)
            greg = ctx.gregorian_years[g - 1] if g is not None else None
            if greg is not None and greg in years:
                flush()
                n = g + 1
                continue
        if key in ("目標", "KPI", "備考") or (key == "年度" and not cur):
            flush()
            items.append((key, [n]))
            n += 1
            continue
        cur.append(n)
        n += 1
    flush()
    joined: dict[tuple[int, ...], str] = {}  # lines → their text (each box is looked at several times)

    def text_of(lines: list[int]) -> str:
        key = tuple(lines)
        if key not in joined:
            joined[key] = join_wrapped(ctx.lines[k - 1] for k in lines)
        return joined[key]

    rows: list[str] = []
    raw_cells: list[list[int]] = []
    seen_target_label = False
    for i, (kind, lines) in enumerate(items):
        if kind != "box":
            seen_target_label = seen_target_label or kind == "目標"
            continue
        text = text_of(lines)
        before_label = i + 1 < len(items) and items[i + 1][0] == "目標"
        if (not seen_target_label or before_label) and parse_number(text) is None:
            if rows and len(match_key(text)) <= 2:
                rows[-1] += text  # a label cut at its last character ("デジタルコンテンツ提" / "供")
            else:
                rows.append(text)
        else:
            raw_cells.append(lines)
    merged: list[list[int]] = []
    for box in raw_cells:
        text = text_of(box).strip(" \u3000")
        if merged:
            prev = text_of(merged[-1])
            if (OPEN_END.search(prev) or CONTINUATION_START.match(text) or PARTICLE_START.match(text)
                or (DIGIT_START.match(text) and parse_number(prev) is None)):
                merged[-1] = merged[-1] + box
                continue
        merged.append(box)
    cells: list[dict] = []
    in_reference = False
    reference_has_number = False
    for group in merged:
        text = text_of(group)
        if REFERENCE_NOTE.match(match_key(text)):
            in_reference, reference_has_number = True, False
        elif in_reference and reference_has_number and not NOTE_CONTINUATION.match(text):
            in_reference = False
        if in_reference and parse_number(YEAR_WORDS.sub("", text)):
            reference_has_number = True
        cells.append(dict(text=text, kind="baseline" if in_reference else "target",
                          source_line_start=group[0], source_line_end=group[-1]))
    return rows, cells
