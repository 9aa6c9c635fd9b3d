"""小金井市DX推進方針 アクションプラン: 取組 tables with roadmaps (format ``koganei_roadmap``)."""

from __future__ import annotations

from planparse.ingest import SourceDocument
from planparse.parsers.base import Marker, Parser, marker_score
from planparse.schemas.base import ParseResult

# Markers on match-key text (tabs removed): the 個別取組 table header
# "個別取組\t評価指標\t目標値等\t取組のロードマップ", "担当部署" headings, 【Vision…】 banners.
_MARKERS = [
    Marker(r"個別取組評価指標目標値等", 0.5, min_count=2),
    Marker(r"取組のロードマップ", 0.2),
    Marker(r"担当部署", 0.1, min_count=2),
    Marker(r"【Vision", 0.2),
]


class KoganeiRoadmapParser(Parser):
    format = "koganei_roadmap"
    description = "小金井市DX推進方針 アクションプラン (取組 tables with roadmaps)"
    municipality_code = "132101"
    municipality_name = "小金井市"

    @classmethod
    def detect(cls, doc: SourceDocument) -> float:
        """個別取組 tables (評価指標, 目標値等, 取組のロードマップ) under 【Vision…】 banners."""
        return marker_score(doc, _MARKERS)

    def parse(self, doc: SourceDocument) -> ParseResult:
        raise NotImplementedError("the koganei_roadmap parser is not implemented yet")
