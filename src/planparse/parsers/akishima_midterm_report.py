"""昭島市デジタル化推進計画 中間報告書 (format ``akishima_midterm_report``)."""

from __future__ import annotations

from planparse.ingest import SourceDocument
from planparse.parsers.base import Marker, Parser, marker_score
from planparse.schemas.base import ParseResult

# Markers on match-key text: "中間報告書", the yearly box labels "令和4(2022)年度の事業達成状況",
# "達成状況・今後の課題", the template's "事業期間関連法令・条例・計画等".
_MARKERS = [
    Marker(r"中間報告書", 0.2),
    Marker(r"年度の事業達成状況", 0.3, min_count=2),
    Marker(r"達成状況・今後の課題", 0.3, min_count=2),
    Marker(r"事業期間関連法令", 0.2),
]


class AkishimaMidtermReportParser(Parser):
    format = "akishima_midterm_report"
    description = "昭島市デジタル化推進計画 中間報告書 (施策 reports with 〇△× status)"
    municipality_code = "132071"
    municipality_name = "昭島市"

    @classmethod
    def detect(cls, doc: SourceDocument) -> float:
        """Report boxes 事業達成状況 / 達成状況・今後の課題 / 事業期間 in a 中間報告書."""
        return marker_score(doc, _MARKERS)

    def parse(self, doc: SourceDocument) -> ParseResult:
        raise NotImplementedError("the akishima_midterm_report parser is not implemented yet")
