"""What the registry needs of this format before reading one: the detection markers (the reading
patterns, in ``patterns``, are compiled only when a plan is read)."""

from __future__ import annotations

from planparse.parsers.base import Marker

# Markers on match-key text (tabs removed): the 個別取組 table header
# "個別取組\t評価指標\t目標値等\t取組のロードマップ", "担当部署" headings, 【Vision…】 banners.
MARKERS = [
    Marker(r"個別取組評価指標目標値等", 0.5, min_count=2),
    Marker(r"取組のロードマップ", 0.2),
    Marker(r"担当部署", 0.1, min_count=2),
    Marker(r"【Vision", 0.2),
]
