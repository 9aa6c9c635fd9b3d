"""八王子市DX推進計画 アクションプラン: project cards with 管理番号 (format ``hachioji_action_plan``)."""

from __future__ import annotations

from planparse.ingest import SourceDocument
from planparse.parsers.base import Marker, Parser, marker_score
from planparse.schemas.base import ParseResult

# Markers on match-key text (NFKC, no whitespace): "管理番号1-1-1" card headers, "事業名称担当:" labels.
_MARKERS = [
    Marker(r"管理番号\d+-\d+-\d+", 0.5, min_count=3),
    Marker(r"事業名称担当", 0.2, min_count=3),
    Marker(r"アクションプラン", 0.2),
    Marker(r"目標KPI", 0.1),
]


class HachiojiActionPlanParser(Parser):
    format = "hachioji_action_plan"
    description = "八王子市DX推進計画 アクションプラン (project cards with 管理番号)"
    municipality_code = "132012"
    municipality_name = "八王子市"

    @classmethod
    def detect(cls, doc: SourceDocument) -> float:
        """Card headers ``… 管理番号 x-y-z`` and ``事業名称 担当：`` labels (several of each)."""
        return marker_score(doc, _MARKERS)

    def parse(self, doc: SourceDocument) -> ParseResult:
        raise NotImplementedError("the hachioji_action_plan parser is not implemented yet")
