"""八王子市DX推進計画 (the plan itself: 基本方針, 施策, 用語集) (format ``hachioji_dx_plan``)."""

from __future__ import annotations

from planparse.ingest import SourceDocument
from planparse.parsers.base import Marker, Parser, marker_score
from planparse.schemas.base import ParseResult

# Markers on match-key text (NFKC: "施策①" → "施策1"): 施策 page headings, the glossary header "項番用語説明",
# "基本方針1生活の質の向上"-style headings. Action-plan cards ("管理番号1-1-1") count against.
_MARKERS = [
    Marker(r"^施策\d", 0.3, min_count=6),
    Marker(r"^基本方針[1-9]", 0.2, min_count=2),
    Marker(r"項番用語説明", 0.3),
    Marker(r"^用語集$", 0.1),
    Marker(r"推進計画", 0.1),
]
_NEGATIVE = [Marker(r"管理番号\d+-\d+-\d+", 0.6, min_count=3)]


class HachiojiDxPlanParser(Parser):
    format = "hachioji_dx_plan"
    description = "八王子市DX推進計画 (基本方針, 施策, 用語集)"
    municipality_code = "132012"
    municipality_name = "八王子市"

    @classmethod
    def detect(cls, doc: SourceDocument) -> float:
        """施策① headings, 基本方針N headings and a 用語集 table (項番 用語 説明); no 管理番号 cards."""
        return marker_score(doc, _MARKERS, negative=_NEGATIVE)

    def parse(self, doc: SourceDocument) -> ParseResult:
        raise NotImplementedError("the hachioji_dx_plan parser is not implemented yet")
