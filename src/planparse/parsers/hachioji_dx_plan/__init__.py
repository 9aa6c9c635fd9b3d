"""八王子市デジタル・トランスフォーメーション（DX）推進計画 (format ``hachioji_dx_plan``): text extracted
from the plan's PDF (see ../shared/notes/hachioji_dx_plan.md for the line-by-line map).

What is read:

* **基本方針** — chapter-5 title pages: ``基本方針１ 生活の質の向上`` and, on the next text line, the
  subtitle ``～市民視点の人にやさしいDX～``. The chapter-4 headings ``(1)  生活の質の向上 ～…～`` give a
  second wording (kept as a variant, a real difference is a ``policy_wording_differs`` warning) and
  the prose under them (the policy's description).
* **施策** — page headers `` 施策① 行政手続のオンライン化``; code = ``<基本方針 number>-<circled number>``.
  A 施策 runs to the next 施策 / 基本方針 / chapter heading. On its page the left column gives the labels
  現状 / 背景 / 事業の方向性, each followed by bullet items (U+F09F); the 目的・あるべき姿 box is printed
  wherever the page's first column ended, so it can interrupt 事業の方向性 mid-sentence. Rules:
  the box text runs from its label to the next *page-start* line (a line that starts with a space
  right after a non-empty line), after which the interrupted section resumes; a bullet item ends
  at a line that ends with a space (the extractor's paragraph end; a wrapped line has none), so a
  sentence cut by the box is continued by the first line after it. Text after a finished item that
  is neither a bullet nor a label (figure labels, 出典 credits) is not prose: it is skipped with a
  ``figure_text_skipped`` warning.
* **用語集** — from the first ``項番 用 語 説 明`` table header: entries ``N  term definition…``; repeated
  headers and printed page numbers are skipped. The term ends at the first space, except that a
  following version number belongs to it (``Society 5.0``); a term line without a definition
  either ends with a space (the term is complete: ``Facebook``, then an optional 【reading】 line)
  or not (the term wraps onto the next line: ``サービスデザイン思`` + ``考``). Definitions join wraps and
  page breaks; paragraphs (line ending with a space) are separated by ``\\n``.
* **glossary marks** — every ``*`` in the text: the marked term is the longest glossary term (or
  reading) whose match key ends the text before the mark (joined with the previous line when that
  line wraps into this one), so ``AI-OCR *`` resolves to ``OCR`` and ``Society5.0 *`` to ``Society 5.0``.
* the plan's name (``「…」（以下「本計画」という。）``), its 計画期間 and the stated number of 基本方針.

The previous plan's table in chapter 1 (基本方針 重点目標 施策 主な取組内容) has no ``基本方針N`` or
``施策①`` headers and is never read as measures. Stored text keeps the source's glyphs; NFKC is used
for matching only. Warnings flag every rule-based judgement; nothing is dropped silently.
"""

from __future__ import annotations

from typing import ClassVar

from planparse.ingest import SourceDocument
from planparse.parsers.base import Parser, marker_score
from planparse.parsers.hachioji_dx_plan.markers import (
    _MARKERS,
    _NEGATIVE,
    MUNICIPALITY_CODE,
    MUNICIPALITY_NAME,
)
from planparse.parsers.hachioji_dx_plan.views import CHECK_QUERIES, VIEW_COMMENTS, VIEWS
from planparse.schemas.base import IssueLog, ParseResult

__all__ = ["HachiojiDxPlanParser", "clean_text", "split_paragraphs"]


def __getattr__(name: str):
    # The reading modules are imported on first use (``parse`` or these names), not with the
    # registry: detection needs only ``markers``, and a run without this format never loads them.
    if name in ("clean_text", "split_paragraphs"):
        from planparse.parsers.hachioji_dx_plan import text

        return getattr(text, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class HachiojiDxPlanParser(Parser):
    format = "hachioji_dx_plan"
    description = "八王子市DX推進計画 (基本方針, 施策, 用語集)"
    municipality_code = MUNICIPALITY_CODE
    municipality_name = MUNICIPALITY_NAME
    version = "1"  # bump on any change of this parser or its records' to_common (re-extracts cached documents)

    views: ClassVar[dict[str, str]] = VIEWS
    # both views read the measures / cards of the DX plans and the action plans only
    view_formats: ClassVar[dict[str, tuple[str, ...]]] = {
        name: ("hachioji_dx_plan", "hachioji_action_plan") for name in VIEWS}
    view_comments: ClassVar[dict[str, tuple[str, dict[str, str]]]] = VIEW_COMMENTS
    check_queries: ClassVar[dict[str, str]] = CHECK_QUERIES

    @classmethod
    def detect(cls, doc: SourceDocument) -> float:
        """施策① page headers, 基本方針N headers, 目的・あるべき姿 boxes, 事業の方向性 labels and a 用語集
        table (項番 用語 説明); action-plan cards (管理番号 x-y-z) count against."""
        return marker_score(doc, _MARKERS, negative=_NEGATIVE)

    def parse(self, doc: SourceDocument) -> ParseResult:
        """Read the plan (see the module docstring).

        Input: the extracted text as a ``SourceDocument`` (its ``lines``). Output: ``ParseResult`` with
        a ``HachiojiDxPlan`` and the warnings met; an ``error`` only when no 施策 is found. Never
        raises on irregular input.
        """
        from planparse.parsers.hachioji_dx_plan.front_matter import _check_policy_count, _period, _title
        from planparse.parsers.hachioji_dx_plan.glossary import _glossary_start, _read_glossary
        from planparse.parsers.hachioji_dx_plan.headings import _find_headings
        from planparse.parsers.hachioji_dx_plan.marks import _read_marks
        from planparse.parsers.hachioji_dx_plan.measures import _measures
        from planparse.parsers.hachioji_dx_plan.policies import _policies
        from planparse.parsers.hachioji_dx_plan.prepare import guarded, page_starts_marked, prepare_lines
        from planparse.schemas.hachioji_dx_plan import HachiojiDxPlan

        log = IssueLog()
        lines = prepare_lines(doc.lines, log)
        page_starts = page_starts_marked(lines, log)
        headings = _find_headings(lines)
        policies = guarded(log, "part_unreadable", "the 基本方針", lambda: _policies(lines, headings, log), [])
        glossary_start = guarded(log, "part_unreadable", "the 用語集", lambda: _glossary_start(lines), None)
        measures, ranges = guarded(log, "part_unreadable", "the 施策",
                                   lambda: _measures(lines, headings, policies, log, page_starts, glossary_start),
                                   ([], []))
        glossary, skip = guarded(log, "part_unreadable", "the 用語集",
                                 lambda: _read_glossary(lines, log, page_starts, glossary_start), ([], set()))
        marks = guarded(log, "part_unreadable", "the glossary marks (*)",
                        lambda: _read_marks(lines, glossary, skip, ranges, log), [])
        joined = "".join([raw.strip(" \u3000") for raw in lines])
        title = guarded(log, "part_unreadable", "the plan's name", lambda: _title(joined, log), None)
        start_fy, end_fy = guarded(log, "part_unreadable", "the 計画期間", lambda: _period(lines, log), (None, None))
        guarded(log, "part_unreadable", "the 基本方針 count check", lambda: _check_policy_count(joined, policies, log),
                None)
        record = HachiojiDxPlan(
            title=title, municipality_code=self.municipality_code,
            municipality_name=self.municipality_name, plan_start_fy=start_fy, plan_end_fy=end_fy,
            policies=policies, measures=measures, glossary=glossary, marks=marks,
        )
        return ParseResult(record=record, issues=log.issues)
