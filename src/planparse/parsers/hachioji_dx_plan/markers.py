"""What the registry needs of this format before reading one: the municipality and the detection markers
(the reading patterns, in ``patterns``, are compiled only when a plan is read)."""

from __future__ import annotations

from planparse.parsers.base import Marker

MUNICIPALITY_CODE = "132012"  # 八王子市 (全国地方公共団体コード with check digit)
MUNICIPALITY_NAME = "八王子市"

# Detection markers on match-key text (NFKC: "施策①" → "施策1"). Action-plan cards count against.
_MARKERS = [
    Marker(r"^施策\d{1,2}[^\d\-]", 0.3, min_count=6),
    Marker(r"^基本方針\d", 0.2, min_count=2),
    Marker(r"^目的・あるべき姿$", 0.2, min_count=6),
    Marker(r"^事業の方向性", 0.1, min_count=6),
    Marker(r"項番用語説明", 0.2),
    Marker(r"^用語集$", 0.1),
]
# an action plan has one 管理番号 per card (170 in the seed): a few stray 管理番号 lines in a plan are not one
_NEGATIVE = [Marker(r"管理番号\d+-\d+-\d+", 0.6, min_count=20)]
