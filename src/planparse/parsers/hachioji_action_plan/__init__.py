"""八王子市DX推進計画 アクションプラン: project cards with 管理番号 (format ``hachioji_action_plan``).

What is read (../shared/notes/hachioji_action_plan.md maps the document; docs/formats/
hachioji_action_plan.md explains every rule below):

* **Regions.** A card header is a line ``<sub-heading> 管理番号 x-y-z``, followed by its label
  block (``事業名称 担当：`` ``事業内容`` ``年度`` ``取組内容`` ``目標`` ``ＫＰＩ`` ``備考``). Headers whose label
  blocks touch form one *page*; the page's values follow the last label block and run to the next
  header or to the next 施策 overview page. An overview page starts with a line ``年度`` that does not
  open a year header, and runs to the next card header. Everything before the first overview page
  is front matter, where the table 「令和6年度（2024年度）の進捗状況」 is read.
* **Value pieces.** A page's value lines become pieces: tag lines (``【実施】 【実施】【改善】 …``),
  dash lines (``- -``), marks (``【達成】``/``【未達成】``), U+3000-only lines, year headers (``令和4年度``
  ``(2022年度）`` … at least two columns), the ``目的``/``あるべき姿`` label pair, page numbers and
  boxes of text (lines not separated by a blank line).
* **Cards on a page.** Every card has exactly one ``目的``/``あるべき姿`` pair: it anchors a *unit*.
  The box after it is 目的・あるべき姿, the box before it 事業内容, the box before that the name line
  (``<名称> <担当>`` split on the last space before the department). Going back from the name, the
  KPI cell texts and marks and then the tag lines belong to the same unit (the canonical order the
  PDF is emitted in). Pieces that do not fit this order (names after a year header, a top card's
  pieces at the start or the end of the page, interleaved blocks) are *orphans* and go to the
  unit that lacks a piece of that kind.
* **Pairing with 管理番号** is by layout only: the ``ＫＰＩ`` label under a header says whether the
  card has a KPI table; units with a year header / KPI cells are the KPI cards. Within each kind
  the value blocks come bottom-up: the first KPI block of the page is the last KPI header, the
  first block without KPI the last header without ``ＫＰＩ``.

Irregularities are handled by documented rules and reported as warnings (codes in the docs);
anything that cannot be placed is an error.

The package follows the document: ``regions`` (headers, pages, overview pages), ``front_matter``
(title, 進捗状況 table), ``measures`` (overview pages), and per card page ``pieces`` → ``units``
(+ ``orphans``) → ``pairing`` → ``card`` (``names``, ``plan_cells``, ``kpi_cells``); ``checks`` last.
``document.parse_document`` runs them in that order; ``patterns`` holds every line pattern (the
detection ``MARKERS`` are here) and ``model`` the records passed between the steps and the ``Settings``.
"""

from __future__ import annotations

from planparse.ingest import SourceDocument
from planparse.parsers.base import Marker, Parser, marker_score
from planparse.schemas.base import ParseResult

__all__ = ["HachiojiActionPlanParser", "Settings"]

# Detection markers (on match keys): card headers "管理番号1-1-1", label blocks "事業名称 担当："
MARKERS = [
    Marker(r"管理番号\d+-\d+-\d+", 0.5, min_count=3),
    Marker(r"事業名称担当", 0.2, min_count=3),
    Marker(r"アクションプラン", 0.2),
    Marker(r"目標KPI", 0.1),
]


def __getattr__(name: str):
    # ``patterns``, ``model`` and the reading modules are imported on first use, not with the
    # registry: detection needs only ``MARKERS``, and a run without this format never loads them.
    if name == "Settings":
        from planparse.parsers.hachioji_action_plan.model import Settings

        return Settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class HachiojiActionPlanParser(Parser):
    """The ``hachioji_action_plan`` format plugin (registered in ``planparse.parsers.PARSERS``)."""
    format = "hachioji_action_plan"
    description = "八王子市DX推進計画 アクションプラン (project cards with 管理番号)"
    municipality_code = "132012"
    municipality_name = "八王子市"
    version = "1"  # bump on any change of this parser or its records' to_common (re-extracts cached documents)

    @classmethod
    def detect(cls, doc: SourceDocument) -> float:
        """Card headers ``… 管理番号 x-y-z`` and ``事業名称 担当：`` labels (several of each)."""
        return marker_score(doc, MARKERS)

    def parse(self, doc: SourceDocument) -> ParseResult:
        """Read the policies, measures, cards and the progress table (see the module docstring).

        Input: the document as a ``SourceDocument`` (its ``lines``). Output: ``ParseResult`` with a
        ``HachiojiActionPlan`` and the warnings/errors met. Never raises on irregular input.
        """
        from planparse.parsers.hachioji_action_plan.document import parse_document

        return parse_document(doc, self.municipality_code, self.municipality_name)
