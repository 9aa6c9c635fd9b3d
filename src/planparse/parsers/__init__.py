"""Format plugins. ``PARSERS`` is the one registry: adding a format is one module and one line."""

from __future__ import annotations

from planparse.parsers.akishima_midterm_report import AkishimaMidtermReportParser
from planparse.parsers.base import Parser
from planparse.parsers.hachioji_action_plan import HachiojiActionPlanParser
from planparse.parsers.hachioji_dx_plan import HachiojiDxPlanParser
from planparse.parsers.koganei_roadmap import KoganeiRoadmapParser
from planparse.parsers.musashino_progress_sheet import MusashinoProgressSheetParser

__all__ = ["PARSERS", "Parser"]

PARSERS: dict[str, type[Parser]] = {
    parser.format: parser
    for parser in (
        HachiojiActionPlanParser,
        HachiojiDxPlanParser,
        MusashinoProgressSheetParser,
        KoganeiRoadmapParser,
        AkishimaMidtermReportParser,
    )
}
