"""``planparse report``: a static, self-contained HTML report of an extraction.

The report is a consumer of the dataset, like an analyst: it reads ``planparse.duckdb`` as
``store`` wrote it (``data``), draws charts with Altair rendered to inline SVG (``charts``) and
renders pages with Jinja2 (``build``). It never reads or parses a source document.
Entry point: ``build_report(data_dir, out_dir) → Report``.
"""

from planparse.report.build import Report, build_report, page_name

__all__ = ["Report", "build_report", "page_name"]
