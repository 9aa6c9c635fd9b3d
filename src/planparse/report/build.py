"""Build the report: query ``planparse.duckdb``, draw the charts, render the pages with Jinja2.

Output (``out_dir``): ``index.html`` (the cities side by side) and one ``<format>-<document_id>.html``
per document. Every page is self-contained: CSS inlined, charts inline SVG, no script, no URL
outside the folder (pages link to each other by relative file name).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from planparse import __version__
from planparse.report import charts, data

__all__ = ["Report", "build_report", "page_name"]


@dataclass
class Report:
    """What ``build_report`` wrote: ``index`` (the overview page), ``pages`` (one per document, in
    the order of the overview), ``charts`` (number of SVG charts drawn over all pages) and
    ``cities`` (municipality names shown, in code order)."""

    index: Path
    pages: list[Path] = field(default_factory=list)
    charts: int = 0
    cities: list[str] = field(default_factory=list)


def page_name(document: dict[str, Any]) -> str:
    """File name of a document's page: ``<format>-<document_id>.html`` (``unknown`` format when
    none was detected)."""
    return f"{document.get('format') or 'unknown'}-{document['document_id']}.html"


def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(files("planparse.report") / "templates")),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _cities(docs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    cities: dict[str, dict[str, Any]] = {}
    for d in docs:
        if d["municipality_code"]:
            city = cities.setdefault(d["municipality_code"], {
                "municipality_code": d["municipality_code"], "municipality_name": d["municipality_name"],
                "documents": []})
            city["documents"].append(d)
    return [cities[code] for code in sorted(cities)]


def build_report(data_dir: str | Path, out_dir: str | Path) -> Report:
    """Write the HTML report of the dataset in ``data_dir`` (``planparse.duckdb`` as written by
    ``planparse extract``) into ``out_dir`` (created if needed; pages of the same name are
    overwritten).

    Output: ``Report``. Raises FileNotFoundError when ``data_dir`` holds no planparse.duckdb,
    ``duckdb.Error`` when the database lacks a table or view the report reads (an older
    extraction: run ``planparse extract`` again), OSError when ``out_dir`` cannot be written.
    """
    out = Path(out_dir)
    env = _environment()
    css = (files("planparse.report") / "templates" / "style.css").read_text(encoding="utf-8")
    common = {"css": css, "version": __version__,
              "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "data_dir": str(data_dir)}
    con = data.connect(data_dir)
    try:
        docs = data.documents(con)
        for d in docs:
            d["page"] = page_name(d)
        overview = {
            "status_share": charts.status_share_chart(data.status_share(con)),
            "initiative_status": charts.initiative_status_chart(data.initiative_status_share(con)),
            "themes": charts.theme_matrix_chart(data.theme_matrix(con)),
            "kpi": charts.kpi_achievement_chart(data.kpi_achievement(con)),
            "issues": charts.issues_chart(data.issue_counts(con), title="Extraction issues per document"),
        }
        cities = _cities(docs)
        out.mkdir(parents=True, exist_ok=True)
        report = Report(index=out / "index.html", cities=[c["municipality_name"] for c in cities])
        report.charts += sum(svg is not None for svg in overview.values())
        page = env.get_template("index.html.j2").render(
            page_title="planparse report: municipal DX plans side by side", cities=cities, documents=docs,
            unplaced=[d for d in docs if not d["municipality_code"]], charts=overview, **common)
        report.index.write_text(page, encoding="utf-8")
        template = env.get_template("document.html.j2")
        for d in docs:
            doc_id = d["document_id"]
            initiatives = data.document_initiatives(con, doc_id)
            kpis = data.document_kpis(con, doc_id)
            issues = data.document_issues(con, doc_id)
            by_code: dict[tuple[str, str], int] = {}
            for e in issues:
                by_code[(e["code"], e["severity"])] = by_code.get((e["code"], e["severity"]), 0) + 1
            doc_charts = {
                "status": charts.status_by_year_chart(data.document_status_by_year(con, doc_id)),
                "kpi": charts.kpi_ratio_chart(kpis),
                "issues": charts.issues_chart(
                    [{"code": c, "severity": s, "issues": n} for (c, s), n in by_code.items()],
                    by="code", title="Extraction issues by code"),
            }
            report.charts += sum(svg is not None for svg in doc_charts.values())
            years = sorted({fy for i in initiatives for fy in i["years"]})
            title = f"{d['municipality_name'] or ''} {d['title'] or d['file_name']}".strip()
            path = out / d["page"]
            path.write_text(template.render(
                page_title=title, doc=d, measures=data.document_measures(con, doc_id), initiatives=initiatives,
                years=years, kpis=kpis, issues=issues, charts=doc_charts, **common), encoding="utf-8")
            report.pages.append(path)
    finally:
        con.close()
    return report
