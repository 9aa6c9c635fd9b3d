"""Cell readers of the Koganei action plan: Vision and 取組 numbers, 担当部署 with roles, 関連 /
ステップ links, and the roadmap's merged-cell rule. Pure functions over one cell's text."""

from __future__ import annotations

from collections.abc import Sequence

from planparse.normalize import CIRCLED_NUMBER, circled_to_int, roman_to_int, split_departments, to_int
from planparse.parsers.koganei_roadmap.patterns import (
    LINK_LABEL,
    LINK_SEPARATORS,
    LINK_TYPES,
    ROLE_GROUP,
    ROLES,
    STEP_ARROW,
)
from planparse.schemas.base import IssueLog
from planparse.schemas.koganei_roadmap import KoganeiDepartment, KoganeiLink, KoganeiRoadmapCell

__all__ = ["fill_roadmap", "measure_number", "parse_departments", "parse_links", "vision_code"]


def vision_code(numeral: str) -> str | None:
    """ASCII code of a Vision numeral: ``I``/``Ⅰ`` → ``1``, ``2``/``２`` → ``2``; None otherwise."""
    n = to_int(numeral)
    if n is None:
        n = roman_to_int(numeral)
    return str(n) if n else None


def measure_number(glyph: str) -> int | None:
    """取組 number of a glyph as written: ``⑪`` → 11, ``11``/``１１`` → 11; None otherwise."""
    return circled_to_int(glyph) if len(glyph) == 1 and circled_to_int(glyph) else to_int(glyph)


def parse_departments(text: str, line: int, log: IssueLog, what: str) -> list[KoganeiDepartment]:
    """Split a 担当部署 cell into departments with roles.

    Input: ``◎全ての課・窓口所管課・管財課 ○自治体DX推進担当・情報システム課`` (groups, each opened by a
    role mark ◎ ○ ●; names within a group separated by ``・``). Output: departments in order. Text
    before the first mark gets role None and a ``department_without_role`` warning.
    """
    out: list[KoganeiDepartment] = []
    first = ROLE_GROUP.search(text)
    head = text[: first.start() if first else len(text)].strip()
    if head:
        log.warning("department_without_role", f"{what}: 担当部署 {head!r} has no ◎/○/● mark; role left empty", line)
        out.extend(KoganeiDepartment(name=n, mark=None, role=None) for n in split_departments(head, "・"))
    for m in ROLE_GROUP.finditer(text):
        mark = m.group("mark")
        out.extend(KoganeiDepartment(name=n, mark=mark, role=ROLES[mark])
                   for n in split_departments(m.group("names"), "・"))
    return out


def parse_links(text: str, line: int, log: IssueLog, what: str) -> list[KoganeiLink]:
    """Read the ``・関連性の高い取組 ・取組のステップ`` cell of an overview row.

    Input: ``(関連)③・④・⑧ (ステップ)④→①`` / ``(関連)⑨⑪`` / ``(ステップ) ⑭→①・⑧・⑨``. Output: one
    ``related`` link per glyph after (関連) and, for (ステップ), every glyph of the chain with its
    ``position`` (stages separated by →). Text that is neither a label nor a glyph is reported
    (``unparsed_link_text``).
    """
    if not text:
        return []
    labels = list(LINK_LABEL.finditer(text))
    leftover = text[: labels[0].start() if labels else len(text)]
    out: list[KoganeiLink] = []
    for k, m in enumerate(labels):
        segment = text[m.end(): labels[k + 1].start() if k + 1 < len(labels) else len(text)]
        link_type = LINK_TYPES[m.group("label")]
        stages = STEP_ARROW.split(segment) if link_type == "step" else [segment]
        for position, stage in enumerate(stages, start=1):
            for g in CIRCLED_NUMBER.finditer(stage):
                out.append(KoganeiLink(link_type=link_type, number=circled_to_int(g.group()) or 0,
                                       position=position if link_type == "step" else None, raw=text))
        leftover += CIRCLED_NUMBER.sub("", STEP_ARROW.sub("", segment))
    leftover = LINK_SEPARATORS.sub("", leftover)
    if leftover:
        log.warning("unparsed_link_text", f"{what}: text {leftover!r} of the links cell {text!r} is neither "
                    "a (関連)/(ステップ) label nor a circled 取組 number; not read as a link", line)
    return out


def fill_roadmap(years: Sequence[int], written: Sequence[str | None]) -> list[KoganeiRoadmapCell]:
    """Apply the merged-cell rule to one row's roadmap cells.

    Input: the fiscal years of the columns and the cells as written (None = empty). Output: one
    cell per year; an empty cell takes the plan of the nearest filled cell to its left and is
    flagged ``inferred``; an empty cell with nothing filled to its left stays None.
    ``["A", None, "B"]`` → A, A (inferred), B.
    """
    out: list[KoganeiRoadmapCell] = []
    last: str | None = None
    for fy, text in zip(years, written, strict=True):
        if text:
            last = text
            out.append(KoganeiRoadmapCell(fiscal_year=fy, written=text, plan=text))
        else:
            out.append(KoganeiRoadmapCell(fiscal_year=fy, written=None, plan=last, inferred=last is not None))
    return out
