"""昭島市デジタル化推進計画 中間報告書 (format ``akishima_midterm_report``): layout-analysed PDF text.

What is read (../shared/notes/akishima_midterm_report.md maps the document; the rules are in
docs/formats/akishima_midterm_report.md):

* はじめに / 第１章: the title (本書「…」), the plan period (…を初年度とする…年度まで);
* 「２ 施策の達成状況」: the legend (``〇・・・予定どおり…``) and the list rows ``N.施策名 〇``;
* 「３ 施策の見直し」: entries ``N.施策名 【達成状況：△】`` with their ・ bullets, under 基本方針 lines;
* 「４ 施策の追加」: records ``追加N.name`` with 主な担当課, 現状・課題, 実施内容, 期待される効果,
  達成目標, 実施年度 (year columns) and the Gantt bar labels, plus footnotes ``*「term」：…``;
* 第２章: one report per 施策 (anchored on its ``事業名 担当部署`` label): 基本データ (事業名, 部, 課,
  係, 電話, 事業期間, 関連法令), the 事業概要 box (目的・実施内容 | 目標), one box per year
  (事業達成状況 | 目標), 達成状況・今後の課題 and the スケジュール 予定 cells, under 基本方針 headers.

The text is one line per PDF text line, nearly every line followed by an empty line; boxes print
their wide left cell first and their narrow right cell after it, and the three schedule cells
follow one another without a separator. Line widths (full-width characters count 2) separate
them; every rule that guesses is reported as a ``warning``. Cross-checks between the parts of the
document are ``check_*`` warnings.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from planparse.ingest import SourceDocument
from planparse.parsers.akishima_midterm_report.markers import _MARKERS, MUNICIPALITY_CODE, MUNICIPALITY_NAME
from planparse.parsers.base import Parser, marker_score
from planparse.schemas.base import ParseResult

__all__ = ["AkishimaMidtermReportParser", "_Line", "_schedule_items", "display_width", "display_widths", "piece",
           "split_columns", "split_schedule"]

# The reading modules are imported on first use (``parse`` or one of these names), not with the
# registry: detection needs only ``markers``, and a run without this format never loads them.
_LAZY = {"split_columns": "columns", "_schedule_items": "schedule", "split_schedule": "schedule",
         "_Line": "text", "display_width": "text", "display_widths": "text", "piece": "text"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class AkishimaMidtermReportParser(Parser):
    format = "akishima_midterm_report"
    description = "昭島市デジタル化推進計画 中間報告書 (施策 reports with 〇△× status)"
    municipality_code = MUNICIPALITY_CODE
    municipality_name = MUNICIPALITY_NAME
    version = "1"  # bump on any change of this parser or its records' to_common (re-extracts cached documents)

    @classmethod
    def detect(cls, doc: SourceDocument) -> float:
        """Report boxes 事業達成状況 / 達成状況・今後の課題 / 事業期間 in a 中間報告書."""
        return marker_score(doc, _MARKERS)

    def parse(self, doc: SourceDocument) -> ParseResult:
        """Read the whole report (see the module docstring).

        Input: the report's text as a ``SourceDocument``. Output: ``ParseResult`` with an
        ``AkishimaMidtermReport`` and the warnings/errors met. Never raises on irregular input.
        """
        from planparse.parsers.akishima_midterm_report.document import Run

        return Run(doc).parse()
