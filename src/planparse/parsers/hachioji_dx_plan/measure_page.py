"""One 施策 page: 現状 / 背景 / 事業の方向性 bullet items and the 目的・あるべき姿 box."""

from __future__ import annotations

from dataclasses import dataclass, field

from planparse.normalize import (
    join_wrapped,
    match_key,
)
from planparse.parsers.hachioji_dx_plan.patterns import (
    BULLET,
    FIGURE_START,
    ICON_KEY,
    MIN_PROSE_CHARS,
)
from planparse.parsers.hachioji_dx_plan.text import (
    _is_indented,
    _is_page_start,
    _next_content,
    _objective_label,
    _section_label,
    clean_text,
    ends_paragraph,
    ends_sentence,
    split_paragraphs,
)
from planparse.schemas.base import IssueLog
from planparse.schemas.hachioji_dx_plan import (
    SECTION_LABELS,
    HachiojiMeasure,
)


@dataclass
class _Item:
    """A bullet item being read: its raw lines (bullet and label removed) and line numbers."""

    raws: list[str]
    lines: list[int]
    open: bool


@dataclass
class _MeasurePage:
    """State while reading one 施策 block."""

    sections: dict[str, list[_Item]] = field(default_factory=lambda: {f: [] for f in SECTION_LABELS.values()})
    section: str | None = None
    objective: list[int] = field(default_factory=list)
    objective_seen: bool = False
    pre_label: list[int] = field(default_factory=list)
    figures: list[list[int]] = field(default_factory=list)
    last_line: int = 0
    glyph_lost_warned: bool = False

    def current(self) -> _Item | None:
        items = self.sections[self.section] if self.section else []
        return items[-1] if items else None


def _read_measure(lines: tuple[str, ...], header: int, end: int, code: str, number: int, name: str,
                  policy_code: str | None, seq: int, log: IssueLog,
                  page_starts: bool = True) -> tuple[HachiojiMeasure, bool]:
    """Read one 施策 block (lines ``header`` … ``end``, 1-based) into a ``HachiojiMeasure``.

    ``page_starts`` False (the text has lost its page-start mark): the 目的・あるべき姿 box ends at its
    first paragraph end (every objective of the seed is one paragraph).

    Returns the measure and whether its pre-label lines show the 自治体DX推進計画 icon's text.
    Warnings: ``figure_text_skipped``, ``objective_end_without_page_start``, ``paragraph_without_bullet``,
    ``unfinished_paragraph``, ``missing_section``, ``missing_objective``, ``second_objective_box``.
    """
    page = _MeasurePage(last_line=header)
    mode = "prose"          # prose | objective | figure
    resumed = False         # the line is the first one after the objective box
    for n in range(header + 1, end + 1):
        raw = lines[n - 1]
        if not raw.strip():
            continue
        label = _section_label(raw)
        bullet = BULLET.match(raw) is not None
        after_box = _objective_label(raw) if label is None and not bullet else None
        if mode == "objective":
            ended = page.objective and ends_sentence(lines[page.objective[-1] - 1])
            if not (_is_page_start(lines, n) or label or bullet or after_box is not None) and ended and (
                    _is_indented(lines, n) or not page_starts):
                log.warning("objective_end_inferred",
                            f"施策 {code}: the 目的・あるべき姿 text had ended a sentence and this line starts with a "
                            "space after an empty line (a page start whose box another PDF split off); the box "
                            "was ended there", n)
                mode, resumed = "prose", True
            elif _is_page_start(lines, n) or label or bullet or after_box is not None:
                if not _is_page_start(lines, n):
                    log.warning("objective_end_without_page_start",
                                f"施策 {code}: the 目的・あるべき姿 box is followed by a label or bullet "
                                "that does not start a page; the box was ended there", n)
                mode, resumed = "prose", True
            else:
                page.objective.append(n)
                page.last_line = n
                continue
        if after_box is not None:
            if page.objective_seen:
                log.warning("second_objective_box", f"施策 {code}: a second 目的・あるべき姿 label; its text "
                            "was appended to the objective", n)
            page.objective_seen = True
            mode = "objective"
            if after_box.strip():
                page.objective.append(n)
            page.last_line = n
            continue
        if label is not None:
            page.section, rest = label
            mode = "prose"
            if rest.strip():
                _start_item(page, rest, n, lines)
            page.last_line = n
            resumed = False
            continue
        if bullet:
            if page.section is None:
                log.warning("bullet_before_label", f"施策 {code}: a bullet item before any 現状/背景/"
                            "事業の方向性 label was read as 現状", n)
                page.section = "current_state"
            mode = "prose"
            _start_item(page, raw, n, lines)
            page.last_line = n
            resumed = False
            continue
        # plain text
        if mode == "figure":
            page.figures[-1].append(n)
            continue
        item = page.current()
        if page.section is None:
            page.pre_label.append(n)
        elif item is not None and item.open:
            _continue_item(item, raw, n, lines)
            page.last_line = n
        elif resumed:
            log.warning("paragraph_without_bullet",
                        f"施策 {code}: the text after the 目的・あるべき姿 box starts without a bullet and the "
                        "item before the box had ended; read as a new item of the interrupted section", n)
            _start_item(page, raw, n, lines)
            page.last_line = n
        elif item is not None and _prose_like(raw):
            if not page.glyph_lost_warned:
                log.warning("bullet_glyph_missing",
                            f"施策 {code}: a line of prose after a finished item has no bullet glyph (lost by the "
                            "PDF's font); read as a new item, as every later such line of this 施策", n)
                page.glyph_lost_warned = True
            _start_item(page, raw, n, lines)
            page.last_line = n
        else:
            mode = "figure"
            page.figures.append([n])
        resumed = False
    return _finish_measure(page, lines, header, code, number, name, policy_code, seq, log)


def _prose_like(raw: str) -> bool:
    """A line that reads as an item of prose, not as a figure's label or credit: at least
    ``MIN_PROSE_CHARS`` characters and not starting like a caption (``【図】``, ``出典``, a URL, ``※``)."""
    text = raw.strip(" \u3000")
    return len(text) >= MIN_PROSE_CHARS and FIGURE_START.match(text) is None


def _start_item(page: _MeasurePage, raw: str, n: int, lines: tuple[str, ...]) -> None:
    text = BULLET.sub("", raw, count=1)
    page.sections[page.section or "current_state"].append(
        _Item(raws=[text], lines=[n], open=not _ends_item(raw, n, lines)))


def _continue_item(item: _Item, raw: str, n: int, lines: tuple[str, ...]) -> None:
    item.raws.append(raw)
    item.lines.append(n)
    item.open = not _ends_item(raw, n, lines)


def _ends_item(raw: str, n: int, lines: tuple[str, ...]) -> bool:
    """``ends_paragraph`` of line ``n``, the next line looked up only for a line with a trailing space
    (without one the line never ends a paragraph)."""
    return raw.endswith((" ", "\u3000")) and ends_paragraph(raw, _next_content(lines, n))


def _finish_measure(page: _MeasurePage, lines: tuple[str, ...], header: int, code: str, number: int,
                    name: str, policy_code: str | None, seq: int,
                    log: IssueLog) -> tuple[HachiojiMeasure, bool]:
    icon = any(ICON_KEY in match_key(lines[n - 1]) for n in page.pre_label)
    other = [n for n in page.pre_label if ICON_KEY not in match_key(lines[n - 1])]
    if other:
        page.figures.insert(0, other)
    for block in page.figures:
        captions = [lines[n - 1].strip() for n in block if lines[n - 1].strip().startswith("【図】")]
        first = clean_text(lines[block[0] - 1])
        log.warning("figure_text_skipped",
                    f"施策 {code}: lines {block[0]}–{block[-1]} are not 現状/背景/事業の方向性/目的 prose "
                    f"(figure labels or credits{': ' + ', '.join(captions) if captions else ''}; "
                    f"first line {first[:40]!r}); skipped", block[0])
    sections: dict[str, list[str]] = {}
    for field_, items in page.sections.items():
        sections[field_] = [clean_text(join_wrapped(i.raws)) for i in items]
        for item in items:
            if item.open:
                log.warning("unfinished_paragraph",
                            f"施策 {code}: an item of {_label_of(field_)} ends without a paragraph end "
                            f"(line {item.lines[-1]} has no trailing space); kept as read", item.lines[-1])
        if not items:
            log.warning("missing_section", f"施策 {code} has no {_label_of(field_)} section", header)
    objective = None
    if page.objective:
        raws = [lines[n - 1] for n in page.objective]
        first = _objective_label(raws[0])
        if first is not None:
            raws[0] = first
        objective = "\n".join(split_paragraphs(raws)) or None
        if not ends_paragraph(lines[page.objective[-1] - 1]):
            log.warning("unfinished_paragraph", f"施策 {code}: the 目的・あるべき姿 text ends without a "
                        "paragraph end; it may continue elsewhere", page.objective[-1])
    if objective is None:
        log.warning("missing_objective", f"施策 {code} has no 目的・あるべき姿 text", header)
    measure = HachiojiMeasure(
        code=code, policy_code=policy_code, number=number, name=name, seq=seq, objective=objective,
        objective_line_start=page.objective[0] if page.objective else None,
        objective_line_end=page.objective[-1] if page.objective else None,
        source_line_start=header, source_line_end=page.last_line, **sections,
    )
    return measure, icon


def _label_of(field_: str) -> str:
    return next(label for label, f in SECTION_LABELS.items() if f == field_)
