"""小金井市DX推進方針 アクションプラン: 取組 tables with roadmaps (format ``koganei_roadmap``).

The document is a PDF converted to Markdown: ``#`` headings, tab-separated table rows, some
``<b>``/``<p>``/``**`` markup. What is read (../shared/notes/koganei_roadmap.md maps the document;
docs/formats/koganei_roadmap.md documents every rule):

* the **cover**: the title lines up to the plan period line ``令和8(2026)年度～令和10(2028)年度``;
* **【Vision …】 banners** (``# 実現したい未来 【Vision I】 市民にやさしい``, ``**【Vision3】 基盤の整備**`` …):
  the Visions (policies) and the Vision of each 取組 page;
* the **Vision overview tables** (header ``取組 | | 重点取組 (※) | 担当部署 … | ・関連性の高い取組 …``):
  per 取組 its number (circled glyph), name, 重点取組 ``○``, 担当部署 with ◎ ○ ● roles and the
  ``(関連)`` / ``(ステップ)`` links;
* every **取組 page**: the heading row ``取組<glyph> | <name> [重点取組] | 担当部署 | <departments>``,
  the 取組概要 / 取組背景 / アウトカムの視点 texts in any of their four layouts, free-standing ``※`` notes,
  then the **個別取組 table** (two header rows: labels, then the fiscal years of the roadmap
  columns), one 個別取組 per row, ending at the first line without a tab.

A PDF is read from its ruled tables (``doc.tables``, cells normalised by ``table_cells``) and
its text boxes; a table continued across pages is one table. The package follows the document:
``markers`` (detection), ``patterns`` (labels and row predicates), ``cells`` (one cell's readers),
``model`` (entries and state), ``overview`` (the Vision overview tables), ``pages`` (a 取組 page and
its 個別取組 table), ``assemble`` (numbers, merging, checks) and ``document`` (the walk).

The 取組 number is taken from the overview table (name match) and the order of the headings,
not from the heading's glyph alone; disagreements are ``check_`` warnings. Markup and markdown
separator rows are noise: removed or skipped and reported. Roadmap cells lost their merged span in
the conversion: an empty cell continues the nearest filled cell to its left (flagged inferred);
all-empty roadmaps stay empty and are reported.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, ClassVar

from planparse.ingest import SourceDocument
from planparse.parsers.base import Parser, marker_score
from planparse.parsers.koganei_roadmap.markers import MARKERS
from planparse.schemas.base import IssueLog, ParseResult

__all__ = ["KoganeiRoadmapParser", "fill_roadmap", "measure_number", "parse_departments", "parse_links",
           "vision_code"]

# The reading modules (and the records) are imported on first use (``parse`` or one of these names),
# not with the registry: detection needs only ``markers``, and a run without this format never loads them.
_LAZY = {name: "cells" for name in ("fill_roadmap", "measure_number", "parse_departments", "parse_links",
                                    "vision_code")}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class KoganeiRoadmapParser(Parser):
    format = "koganei_roadmap"
    description = "小金井市DX推進方針 アクションプラン (取組 tables with roadmaps)"
    municipality_code = "132101"
    municipality_name = "小金井市"
    version = "2"  # bump on any change of this parser or its records' to_common (re-extracts cached documents)
    views: ClassVar[dict[str, str]] = {
        # One row per 個別取組 and roadmap year, with its 取組 (重点取組 flag) and Vision, whether the year's
        # plan was written or inferred from a merged cell, and the ※ note it refers to.
        "koganei_roadmap": """
            SELECT i.document_id, m.policy_code AS vision_code, m.policy_name AS vision_name,
                   m.code AS measure_code, m.name AS measure_name, m.is_priority,
                   i.code AS initiative_code, i.name AS initiative_name, i.tags, i.indicator, i.target_text,
                   i.lead_department, i.departments, a.fiscal_year, a.plan, a.plan_inferred, a.note,
                   i.source_line_start AS source_line
            FROM annual_entries a
            JOIN initiatives i USING (initiative_id)
            JOIN documents d ON d.document_id = i.document_id
            LEFT JOIN measures m ON m.measure_id = i.measure_id
            WHERE d.format = 'koganei_roadmap'
        """,
    }

    view_formats: ClassVar[dict[str, tuple[str, ...]]] = {"koganei_roadmap": ("koganei_roadmap",)}
    # one document's 個別取組 and their years: each row's document_id, joins within that document only
    per_document_views: ClassVar[frozenset[str]] = frozenset({"koganei_roadmap"})
    view_comments: ClassVar[dict[str, tuple[str, dict[str, str]]]] = {
        "koganei_roadmap": (
            "One row per Koganei 個別取組 and roadmap fiscal year, with its 取組 and Vision; plan_inferred marks "
            "a year read from a merged roadmap cell.",
            {
                "document_id": "Document the 個別取組 comes from.",
                "vision_code": "Vision number (the policy level: 【Vision1】 → 1).",
                "vision_name": "Vision name as written.",
                "measure_code": "取組 number (取組⑧ → 8).",
                "measure_name": "取組 name as written.",
                "is_priority": "True for a 重点取組.",
                "initiative_code": "`<取組 number>-<row number>` of the 個別取組 (8-3 = third row of 取組⑧).",
                "initiative_name": "個別取組 name as written.",
                "tags": "The 個別取組's 【…】 tags as written (【迷わない】, 【書かない】 …).",
                "indicator": "評価指標 as written.",
                "target_text": "目標値等 as written.",
                "lead_department": "First 担当部署 (◎ lead where marked).",
                "departments": "Every 担当部署, lead first.",
                "fiscal_year": "Roadmap fiscal year (Gregorian start year: 令和8年度 = 2026).",
                "plan": "The roadmap cell's text for that year.",
                "plan_inferred": "True when the year's cell was empty and read as the continuation of the cell "
                                 "to its left (merged cell).",
                "note": "The ※ note of the roadmap, as written.",
                "source_line": "First line of the 個別取組 in the extracted text (1-based).",
            },
        ),
    }

    @classmethod
    def detect(cls, doc: SourceDocument) -> float:
        """個別取組 tables (評価指標, 目標値等, 取組のロードマップ) under 【Vision…】 banners."""
        return marker_score(doc, MARKERS)

    def parse(self, doc: SourceDocument) -> ParseResult:
        """Read the Visions, 取組 and 個別取組 of the action plan (see the module docstring).

        Input: the document as a ``SourceDocument`` (its ``lines`` and ``tables``: tab-separated
        runs of a text source or the ruled tables of a PDF, cells in the text convention of
        ``table_cells``; 1-based line numbers are kept as provenance). Output: ``ParseResult`` with
        a ``KoganeiRoadmap`` record and the issues met: warnings for irregularities handled by a
        rule, errors where data could not be placed (a row, table or 取組 that cannot be read
        costs only itself). Never raises on irregular input.
        """
        from planparse.parsers.koganei_roadmap.document import read_document

        return read_document(doc, IssueLog(), self.municipality_code, self.municipality_name)
