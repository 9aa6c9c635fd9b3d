"""Format plugins. ``PARSERS`` is the one registry: adding a format is one module and one line."""

from __future__ import annotations

import sys
from importlib import import_module

from planparse.memo import compile_patterns
from planparse.parsers.akishima_midterm_report import AkishimaMidtermReportParser
from planparse.parsers.base import Parser
from planparse.parsers.hachioji_action_plan import HachiojiActionPlanParser
from planparse.parsers.hachioji_dx_plan import HachiojiDxPlanParser
from planparse.parsers.koganei_roadmap import KoganeiRoadmapParser
from planparse.parsers.musashino_progress_sheet import MusashinoProgressSheetParser

__all__ = ["PARSERS", "Parser", "preload"]

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


def preload() -> None:
    """Import every registered format's reading modules now. A format package imports them on
    first use (its ``parse``), so that a run detecting and reading one format loads only that one;
    a process about to fork a pool of workers calls this once, so the workers do not each import
    them again; the formats' record models (``planparse.schemas.<format>``, imported by a parser
    that is a single module only when it reads) are imported too, and every pattern compiled
    (``memo.compile_patterns``: those are compiled on first use otherwise, in each worker). Raises
    ImportError only on a broken installation."""
    import pkgutil  # here: only a process about to fork workers needs it
    from importlib.util import find_spec

    for parser in PARSERS.values():
        module = sys.modules[parser.__module__]
        for info in pkgutil.iter_modules(getattr(module, "__path__", ())):
            import_module(f"{module.__name__}.{info.name}")
        if find_spec(f"planparse.schemas.{parser.format}") is not None:
            import_module(f"planparse.schemas.{parser.format}")
    compile_patterns()
