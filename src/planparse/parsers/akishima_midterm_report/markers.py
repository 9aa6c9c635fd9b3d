"""What the registry needs of this format before reading one: the municipality and the detection markers
(the reading patterns, in ``patterns``, are compiled only when a report is read)."""

from __future__ import annotations

from planparse.parsers.base import Marker

MUNICIPALITY_CODE = "132071"  # 昭島市 (全国地方公共団体コード with check digit)
MUNICIPALITY_NAME = "昭島市"

_MARKERS = [
    Marker(r"中間報告書", 0.2),
    Marker(r"年度の事業達成状況", 0.3, min_count=2),
    Marker(r"達成状況・今後の課題", 0.3, min_count=2),
    Marker(r"事業期間関連法令", 0.2),
]
