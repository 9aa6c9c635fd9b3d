"""The report's charts: Altair (Vega-Lite) specifications rendered to inline SVG by ``vl-convert``.

Each builder takes rows from ``report.data`` and returns an SVG string (``<svg …>…</svg>``) ready
to be placed in the HTML: no script, no network, text kept as SVG ``<text>`` in the report's CJK
font (``FONT``), so the browser draws the Japanese labels with the font the page names.
Builders return ``None`` when there is nothing to draw (the page then says so in words).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt

from planparse.report.data import STATUS_GROUPS

__all__ = [
    "FONT",
    "initiative_status_chart",
    "issues_chart",
    "kpi_achievement_chart",
    "kpi_ratio_chart",
    "render_svg",
    "status_by_year_chart",
    "status_share_chart",
    "theme_matrix_chart",
]

FONT = "IPAexGothic, 'IPAex Gothic', 'Noto Sans CJK JP', 'Noto Sans JP', sans-serif"
"""CSS font family of every chart and of the page: IPAex Gothic (Debian fonts-ipaexfont-gothic),
else Noto CJK (fonts-noto-cjk)."""

STATUS_COLORS = {"positive": "#2e7d32", "partial": "#f9a825", "negative": "#c62828", "unassessed": "#bdbdbd"}
"""Colour of each ``status_group`` (also used by the page's status cells)."""

_STATUS_SCALE = alt.Scale(domain=list(STATUS_GROUPS), range=[STATUS_COLORS[g] for g in STATUS_GROUPS])
_OUTCOMES = ("target met", "target missed", "target only", "actual only")
_OUTCOME_SCALE = alt.Scale(domain=list(_OUTCOMES), range=["#2e7d32", "#c62828", "#90a4ae", "#cfd8dc"])
_SEVERITY_SCALE = alt.Scale(domain=["error", "warning"], range=["#c62828", "#f9a825"])
_COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")  # counts: whole-number ticks only


def render_svg(chart: alt.TopLevelMixin) -> str:
    """Render an Altair chart to one ``<svg>`` element (the report's font, white background).

    Raises ``ValueError`` from vl-convert when the specification is invalid.
    """
    import vl_convert

    spec = chart.configure(font=FONT, background="white").configure_view(stroke=None).to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    return svg[svg.index("<svg"):]


def _city_order(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Municipality names of ``rows`` in municipality-code order (the overview's order)."""
    return [name for _, name in sorted({(r["municipality_code"], r["municipality_name"]) for r in rows})]


def status_share_chart(rows: Sequence[dict[str, Any]]) -> str | None:
    """Share of ``status_group`` per fiscal year, one panel per city in municipality-code order
    (rows of ``data.status_share``)."""
    if not rows:
        return None
    cities = _city_order(rows)
    chart = alt.Chart(alt.Data(values=list(rows))).mark_bar().encode(
        x=alt.X("fiscal_year:O", title="年度 (fiscal year)"),
        y=alt.Y("share:Q", stack="normalize", title="share of annual entries", axis=alt.Axis(format="%")),
        color=alt.Color("status_group:N", scale=_STATUS_SCALE, title="status_group",
                        sort=list(STATUS_GROUPS)),
        order=alt.Order("order:Q"),
        column=alt.Column("municipality_name:N", title=None, sort=cities, header=alt.Header(labelFontSize=14)),
    ).transform_calculate(
        order=f"indexof({list(STATUS_GROUPS)!r}, datum.status_group)"
    ).properties(width=130, height=220, title="Status of annual entries per fiscal year (share)"
    ).resolve_scale(x="independent")
    return render_svg(chart)


def initiative_status_chart(rows: Sequence[dict[str, Any]]) -> str | None:
    """Share of initiatives per ``status_group`` of their latest assessment, one bar per city
    (rows of ``data.initiative_status_share``)."""
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=list(rows))).mark_bar().encode(
        y=alt.Y("municipality_name:N", title=None, sort=_city_order(rows), axis=alt.Axis(labelFontSize=12)),
        x=alt.X("share:Q", stack="normalize", title="share of initiatives", axis=alt.Axis(format="%")),
        color=alt.Color("status_group:N", scale=_STATUS_SCALE, sort=list(STATUS_GROUPS), title="status_group"),
        order=alt.Order("order:Q"),
    ).transform_calculate(
        order=f"indexof({list(STATUS_GROUPS)!r}, datum.status_group)"
    ).properties(width=420, title="Latest assessment of each initiative (share)")
    return render_svg(chart)


def theme_matrix_chart(rows: Sequence[dict[str, Any]]) -> str | None:
    """Heat map of initiatives per theme (rows) and city (columns) (rows of ``data.theme_matrix``)."""
    if not rows:
        return None
    values = [{**r, "label": f"{r['theme_name_ja'] or r['theme']}"} for r in rows]
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("municipality_name:N", title=None, sort=_city_order(rows),
                axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=12)),
        y=alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=320)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("initiatives:Q", scale=alt.Scale(scheme="blues"), title="initiatives"))
    text = base.mark_text(fontSize=11).encode(
        text="initiatives:Q",
        color=alt.condition("datum.initiatives > 15", alt.value("white"), alt.value("black")))
    chart = (cells + text).properties(width=360, title="Initiatives per theme and city")
    return render_svg(chart)


def kpi_achievement_chart(rows: Sequence[dict[str, Any]]) -> str | None:
    """KPI numbers per city by outcome: target met / missed / target only / actual only
    (rows of ``data.kpi_achievement``)."""
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=list(rows))).mark_bar().encode(
        y=alt.Y("municipality_name:N", title=None, sort=_city_order(rows), axis=alt.Axis(labelFontSize=12)),
        x=alt.X("pairs:Q", title="KPI target/actual pairs and lone numbers", axis=_COUNT_AXIS),
        color=alt.Color("outcome:N", scale=_OUTCOME_SCALE, sort=list(_OUTCOMES), title="KPI"),
        order=alt.Order("order:Q"),
    ).transform_calculate(
        order=f"indexof({list(_OUTCOMES)!r}, datum.outcome)"
    ).properties(width=420, title="KPI achievement: target vs actual")
    return render_svg(chart)


def issues_chart(rows: Sequence[dict[str, Any]], *, by: str = "file_name", title: str) -> str | None:
    """Horizontal bars of issue counts per ``by`` (a column of the rows: ``file_name`` for
    ``data.issue_counts``, ``code`` for one document's issues), coloured by severity."""
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=list(rows))).mark_bar().encode(
        y=alt.Y(f"{by}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=360)),
        x=alt.X("sum(issues):Q", title="issues", axis=_COUNT_AXIS),
        color=alt.Color("severity:N", scale=_SEVERITY_SCALE, title="severity"),
    ).properties(width=360, title=title)
    return render_svg(chart)


def status_by_year_chart(rows: Sequence[dict[str, Any]]) -> str | None:
    """One document's annual entries per fiscal year, stacked by ``status_group``
    (rows of ``data.document_status_by_year``)."""
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=list(rows))).mark_bar().encode(
        x=alt.X("fiscal_year:O", title="年度 (fiscal year)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("entries:Q", title="annual entries", axis=_COUNT_AXIS),
        color=alt.Color("status_group:N", scale=_STATUS_SCALE, sort=list(STATUS_GROUPS), title="status_group"),
        order=alt.Order("order:Q"),
    ).transform_calculate(
        order=f"indexof({list(STATUS_GROUPS)!r}, datum.status_group)"
    ).properties(width=320, height=220, title="Status per fiscal year")
    return render_svg(chart)


_RATIO_CAP = 2.0
_LABEL_CHARS = 18


def _short(text: str | None) -> str:
    """A metric name cut to ``_LABEL_CHARS`` characters for an axis label."""
    text = " ".join((text or "").split())
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


def kpi_ratio_chart(rows: Sequence[dict[str, Any]]) -> str | None:
    """One document's KPI pairs that have both a target and an actual: achievement ratio
    (actual / target, inverted for ceilings; capped at 2 for display) per initiative and fiscal
    year, a rule at 1 (target met). Rows of ``data.document_kpis``; None when no pair is complete."""
    pairs = [r for r in rows if r.get("achievement_ratio") is not None]
    if not pairs:
        return None
    values = [{"label": " ".join(str(p) for p in (r.get("initiative_code") or "",
                                                  f"FY{r['fiscal_year']}" if r.get("fiscal_year") else "",
                                                  _short(r.get("metric"))) if p),
               "metric": r.get("metric") or "",
               "ratio": min(float(r["achievement_ratio"]), _RATIO_CAP),
               "met": "target met" if r.get("target_met") else "target missed"} for r in pairs]
    base = alt.Chart(alt.Data(values=values))
    bars = base.mark_bar(height=8).encode(
        y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelFontSize=9)),
        x=alt.X("ratio:Q", title=f"actual / target (capped at {_RATIO_CAP:g})", stack=None,
                scale=alt.Scale(domain=[0, _RATIO_CAP])),
        color=alt.Color("met:N", scale=alt.Scale(domain=["target met", "target missed"],
                                                 range=["#2e7d32", "#c62828"]), title="KPI"),
    )
    rule = alt.Chart(alt.Data(values=[{"x": 1}])).mark_rule(strokeDash=[4, 3], color="#333").encode(x="x:Q")
    chart = (bars + rule).properties(width=360, height=max(120, 12 * len(values)),
                                     title="KPI target vs actual (achievement ratio)")
    return render_svg(chart)
