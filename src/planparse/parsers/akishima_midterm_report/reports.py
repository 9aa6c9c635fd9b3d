"""第２章: one report per 施策: 基本データ, 事業概要, yearly boxes, 達成状況・今後の課題, スケジュール."""

from __future__ import annotations

from collections import Counter

import regex

from planparse.normalize import (
    find_fiscal_years,
    join_wrapped,
    match_key,
    parse_fiscal_year,
    parse_fiscal_year_range,
)
from planparse.parsers.akishima_midterm_report.columns import (
    _Columns,
    split_columns,
)
from planparse.parsers.akishima_midterm_report.model import (
    _PolicySeen,
    _RawReport,
    _Segment,
    guarded,
)
from planparse.parsers.akishima_midterm_report.patterns import (
    _PLAN_LABEL,
    _REPORT_LABELS,
    _SCHEDULE_LABEL,
    _SCHEDULE_LABEL_START,
    _YEAR_LABEL,
    _YEAR_LABEL_END,
    DEPARTMENT,
    DIVISION,
    NUMBERED,
    PHONE,
    POLICY,
    SECTION_PHONE,
)
from planparse.parsers.akishima_midterm_report.schedule import (
    _schedule_items,
    split_schedule,
)
from planparse.parsers.akishima_midterm_report.text import (
    _ascii_no,
    _clean,
    _join,
    _Line,
    _narrow_usual_width,
    _sources,
    _usual_width,
)
from planparse.schemas.akishima_midterm_report import (
    AkishimaReport,
    AkishimaScheduleCell,
    AkishimaYearBox,
)

MAX_PARTS_BEFORE_ANCHOR = 12
"""How many lines before a report's 事業名 担当部署 label its heading may stand when another labelled part
of the report (事業期間 …) is read between them."""


def _is_report_label(line: _Line) -> bool:
    """A label of the 第２章 report template (事業期間 関連法令・条例・計画等, 令和N年度の事業達成状況 目標 …)."""
    key = line.key
    return key in _REPORT_LABELS or bool(_year_label(key)) or bool(_schedule_label(key))


def _year_label(key: str) -> regex.Match | None:
    """``_YEAR_LABEL`` on a line's key, tried only on keys with its fixed ending (a key has no whitespace,
    so the pattern's ``$`` is the end of the key)."""
    return _YEAR_LABEL.match(key) if key.endswith(_YEAR_LABEL_END) else None


def _schedule_label(key: str) -> regex.Match | None:
    """``_SCHEDULE_LABEL`` on a line's key, tried only on keys with its fixed start."""
    return _SCHEDULE_LABEL.match(key) if key.startswith(_SCHEDULE_LABEL_START) else None


class Reports:
    """第２章: the 25 reports (mixed into ``document.Run``)."""

    def _raw_reports(self, anchors: list[int], start: int, end: int,
                     policies: _PolicySeen) -> list[_RawReport]:
        """Cut 第２章 into reports: each runs from its heading (the numbered line before its
        ``基本データ`` label) to the line before the next heading or 基本方針 header."""
        lines = self.content(start, end)
        index = {ln.no: i for i, ln in enumerate(lines)}
        heads: list[tuple[int, regex.Match | None, int]] = []   # (line index, heading match, anchor)
        for anchor in anchors:
            i = index.get(anchor, 0) - 1
            while i >= 0 and len(lines[i].text) == 1:   # vertical label 基/本/デ/ー/タ
                i -= 1
            m = NUMBERED.match(lines[i].text) if i >= 0 else None
            if m is None:
                # a labelled part of the report read before its 基本データ (another reading order): the
                # heading is the numbered line before that part
                floor = heads[-1][0] + 1 if heads else 0
                for k in range(i, max(floor, i - MAX_PARTS_BEFORE_ANCHOR) - 1, -1):
                    if (km := NUMBERED.match(lines[k].text)) and any(
                            _is_report_label(ln) for ln in lines[k + 1:index.get(anchor, 0)]):
                        i, m = k, km
                        break
            if m is None or (heads and i <= heads[-1][0]):
                self.log.warning("report_heading_missing",
                                 "no numbered heading before this report's 基本データ; the 事業名 number is used",
                                 anchor)
                i = index.get(anchor, 0)
                m = None
            heads.append((i, m, anchor))
        # (a 基本方針 header has the word: the pattern is tried on those lines only)
        policy_marks = [(i, m) for i, ln in enumerate(lines) if "基本方針" in ln.text and (m := POLICY.match(ln.text))]
        out: list[_RawReport] = []
        for j, (i, m, anchor) in enumerate(heads):
            stop = heads[j + 1][0] if j + 1 < len(heads) else len(lines)
            stop = min([stop, *(p for p, _ in policy_marks if i < p < stop)])
            policy = None
            for p, pm in policy_marks:
                if p < i:
                    policy = _ascii_no(pm.group("n"))
            body = lines[(i + 1 if m is not None else index[anchor]):stop] if anchor in index else []
            segments = guarded(self.log, "report_unreadable", f"the parts of the report at line {anchor}",
                               lambda body=body, anchor=anchor: self._segments(body, anchor), [], anchor)
            heading = m.group("name").strip() if m else ""
            code = _ascii_no(m.group("n")) if m else ""
            end_line = body[-1].no if body else anchor
            out.append(_RawReport(code, heading, lines[i].no, policy, segments, end_line))
            if i >= 0 and m is not None:
                first_label = next((k for k in range(i + 1, index[anchor]) if _is_report_label(lines[k])),
                                   index[anchor])
                between = [ln for ln in lines[i + 1:first_label] if len(ln.text) != 1]
                for ln in between:
                    self.log.warning("unrecognised_line", f"report {code}: line before 基本データ skipped: "
                                     f"{ln.text[:80]!r}", ln.no)
        for p, pm in policy_marks:
            self._policy(policies, pm, lines[p].no, chapter2=True)
        return out

    def _segments(self, body: list[_Line], anchor: int) -> list[_Segment]:
        """Split a report's lines (from its 事業名 担当部署 label) into labelled segments; vertical
        labels (runs of one-character lines such as 事/業/概/要) are dropped."""
        segments: list[_Segment] = []
        in_schedule = False
        i = 0
        with_fillers = self.content(body[0].no, body[-1].no, fillers=True) if body else []
        while i < len(with_fillers):
            ln = with_fillers[i]
            if ln.filler:
                if segments:
                    segments[-1].lines.append(ln)
                i += 1
                continue
            run = self._vertical_run(with_fillers, i) if len(ln.text) == 1 else 0
            if run:
                i += run
                continue
            key = ln.key
            kind = _REPORT_LABELS.get(key)
            seg: _Segment | None = None
            if kind:
                seg = _Segment(kind, ln.no, ln.text)
            elif m := _year_label(key):
                seg = _Segment("year", ln.no, ln.text, year=parse_fiscal_year(m.group("year")))
            elif _schedule_label(key) and find_fiscal_years(ln.text):
                seg = _Segment("schedule", ln.no, ln.text, years=[y.fiscal_year for y in find_fiscal_years(ln.text)])
                in_schedule = True
            elif in_schedule and key == _PLAN_LABEL:
                seg = _Segment("plan", ln.no, ln.text)
                in_schedule = False
            if seg is not None:
                segments.append(seg)
            elif segments:
                segments[-1].lines.append(ln)
            i += 1
        return segments

    @staticmethod
    def _vertical_run(lines: list[_Line], i: int) -> int:
        """Length (in entries, fillers included) of a vertical label starting at ``i``: three or more
        consecutive one-character lines. 0 when ``lines[i]`` does not start one."""
        chars = 0
        j = i
        while j < len(lines) and not lines[j].filler and len(lines[j].text) == 1:
            chars += 1
            j += 1
        return j - i if chars >= 3 else 0

    def _reports(self, raw_reports: list[_RawReport]) -> list[AkishimaReport]:
        """Build the reports: widths are calibrated on all reports first (the usual width of a full
        left-cell, progress and narrow line), then each report's segments are read."""
        wide_lines = [ln for r in raw_reports for s in r.segments if s.kind in ("overview", "year") for ln in s.lines]
        progress_lines = [ln for r in raw_reports for s in r.segments if s.kind == "progress" for ln in s.lines]
        narrow_lines = [ln for r in raw_reports for s in r.segments if s.kind == "plan" for ln in s.lines]
        widths = {"left": _usual_width(wide_lines), "progress": _usual_width(progress_lines),
                  "narrow": _narrow_usual_width(narrow_lines)}
        out: list[AkishimaReport] = []
        parts: dict[str, int] = {}   # code → number of labelled parts of the report kept under it
        for raw in raw_reports:
            report = guarded(self.log, "report_unreadable", f"report {raw.code} ({raw.heading[:30]!r})",
                             lambda raw=raw: self._report(raw, widths), None, raw.heading_line)
            if report is None:
                continue
            if report.code in parts:
                # two reports under one number (a label or heading line repeated): the one with more
                # labelled parts is the report, the other is dropped
                keep_new = len(raw.segments) > parts[report.code]
                old = next(r for r in out if r.code == report.code)
                dropped = old if keep_new else report
                self.log.error("duplicate_report", f"a second report numbered {report.code}: the one at line "
                               f"{dropped.heading_line} (fewer labelled parts) was dropped", dropped.heading_line)
                if keep_new:
                    out[out.index(old)] = report
                    parts[report.code] = len(raw.segments)
                continue
            parts[report.code] = len(raw.segments)
            out.append(report)
        return out

    def _report(self, raw: _RawReport, widths: dict[str, int | None]) -> AkishimaReport:
        report = AkishimaReport(code=raw.code, heading=raw.heading, heading_line=raw.heading_line,
                                policy_code=raw.policy_code, source_line_start=raw.heading_line,
                                source_line_end=raw.end_line)
        if raw.policy_code is None:
            self.log.warning("policy_missing", f"report {raw.code}: no 基本方針 header before it", raw.heading_line)
        kinds_seen: Counter[str] = Counter()
        narrow = widths["narrow"] or 16
        for seg in raw.segments:
            kinds_seen[seg.kind] += 1
            report.label_lines.setdefault(seg.kind if seg.kind != "year" else f"year:{seg.year}", seg.label_line)
            if seg.kind == "basic":
                self._basic(report, seg)
            elif seg.kind == "period":
                self._period(report, seg)
            elif seg.kind == "overview":
                cols = split_columns(seg.lines, widths["left"], narrow)
                self._column_issues(report.code, "目的・実施内容 | 目標", cols, seg)
                report.purpose = _join(cols.left, widths["left"])
                report.target = _join(cols.right, narrow - 2)
                report.target_lines = _sources(cols.right)
                report.overview_split = cols.rule
            elif seg.kind == "year":
                report.years.append(self._year_box(report.code, seg, widths["left"], narrow))
            elif seg.kind == "progress":
                report.progress = _join(seg.lines, widths["progress"])
            elif seg.kind == "schedule":
                extra = [ln for ln in seg.lines if not ln.filler]
                if extra:
                    self.log.warning("unrecognised_line", f"report {report.code}: text between スケジュール and 予定 "
                                     f"skipped: {extra[0].text[:80]!r}", extra[0].no)
            elif seg.kind == "plan":
                years = next((s.years for s in raw.segments if s.kind == "schedule"), [])
                report.schedule = self._schedule(report.code, seg, years, narrow)
        for kind in ("basic", "period", "overview", "progress", "plan"):
            if not kinds_seen[kind]:
                self.log.warning("report_label_missing", f"report {report.code}: its {kind} part was not found",
                                 raw.heading_line)
        if kinds_seen["year"] == 0:
            self.log.warning("report_label_missing", f"report {report.code}: no 事業達成状況 box found",
                             raw.heading_line)
        if not raw.code:
            report.code = report.business_number or ""
            report.heading = report.business_name or ""
        return report

    def _basic(self, report: AkishimaReport, seg: _Segment) -> None:
        """基本データ: 事業名 (wrapping onto a line that ends with ``部 X``), 課 (may wrap), 係 and 電話."""
        lines = [ln for ln in seg.lines if not ln.filler]
        div_index = next((i for i, ln in enumerate(lines) if DIVISION.search(ln.text)), None)
        if div_index is None:
            self.log.warning("division_missing", f"report {report.code}: no '部 …' in 担当部署", seg.label_line)
            div_index = len(lines)
            name_parts = [ln.text for ln in lines]
            rest: list[_Line] = []
        else:
            m = DIVISION.search(lines[div_index].text)
            report.division = m.group("division")
            head = lines[div_index].text[:m.start()].strip()
            name_parts = [ln.text for ln in lines[:div_index]] + ([head] if head else [])
            rest = lines[div_index + 1:]
        name = join_wrapped(name_parts)
        if name:
            nm = NUMBERED.match(name)
            report.business_number = _ascii_no(nm.group("n")) if nm else None
            report.business_name = nm.group("name").strip() if nm else name
        target: str | None = None
        parts: dict[str, list[str]] = {"department": [], "section": []}
        for ln in rest:
            if m := DEPARTMENT.match(ln.text):
                target = "department"
                parts["department"] = [m.group("department") or ""]
            elif ln.text.startswith("係") and (m := SECTION_PHONE.match(ln.text)):
                target = "section"
                parts["section"] = [m.group("section") or ""]
                if m.group("phone"):
                    report.phone = m.group("phone")
                    target = None
            elif m := PHONE.match(ln.text):
                report.phone = m.group("phone")
                target = None
            elif target is not None:
                parts[target].append(ln.text)
            else:
                self.log.warning("unrecognised_line", f"report {report.code}: 担当部署 line skipped: {ln.text[:80]!r}",
                                 ln.no)
        report.department = join_wrapped(parts["department"]) or None
        report.section = join_wrapped(parts["section"]) or None
        if report.department is None:
            self.log.warning("department_missing", f"report {report.code}: no '課 …' in 担当部署", seg.label_line)
        if report.phone is None:
            self.log.warning("phone_missing", f"report {report.code}: no 電話 in 担当部署", seg.label_line)

    def _period(self, report: AkishimaReport, seg: _Segment) -> None:
        """事業期間 (``令和４年～令和８年``) and the 関連法令・条例・計画等 text after it (may wrap)."""
        lines = [ln for ln in seg.lines if not ln.filler]
        if not lines:
            self.log.warning("period_missing", f"report {report.code}: 事業期間 is empty", seg.label_line)
            return
        first = lines[0].text
        years = find_fiscal_years(first)
        if not years:
            self.log.warning("period_missing", f"report {report.code}: no years in 事業期間 {first!r}", lines[0].no)
            report.related_laws = join_wrapped(ln.text for ln in lines) or None
            return
        cut = years[1].end if len(years) >= 2 else years[0].end
        report.period_text = first[:cut].strip()
        report.start_fy, report.end_fy = parse_fiscal_year_range(report.period_text)
        law = join_wrapped([first[cut:], *(ln.text for ln in lines[1:])])
        report.related_laws = law or None

    def _year_box(self, code: str, seg: _Segment, left_full: int | None, narrow: int) -> AkishimaYearBox:
        cols = split_columns(seg.lines, left_full, narrow)
        self._column_issues(code, seg.label, cols, seg)
        if seg.year is None:
            self.log.warning("year_missing", f"report {code}: no fiscal year in {seg.label!r}", seg.label_line)
        content = [ln for ln in seg.lines if not ln.filler]
        return AkishimaYearBox(
            fiscal_year=seg.year or 0, label=_clean(seg.label), result=_join(cols.left, left_full),
            target=_join(cols.right, narrow - 2), split=cols.rule,
            source_line_start=seg.label_line, source_line_end=content[-1].no if content else seg.label_line,
            result_lines=_sources(cols.left), target_lines=_sources(cols.right),
        )

    def _column_issues(self, code: str, label: str, cols: _Columns, seg: _Segment) -> None:
        where = f"report {code}, {_clean(label)}"
        if cols.rule == "shared_line":
            self.log.warning("shared_line_split",
                             f"{where}: one line holds the end of the left cell and the start of the 目標 cell; "
                             f"split at its last space ({cols.left[-1].text[-20:]!r} | {cols.right[0].text!r})",
                             cols.right[0].no)
        elif cols.rule in ("no_wide_line", "target_kept"):
            self.log.warning("column_split_guess",
                             f"{where}: the left and 目標 cells could not be told apart by width "
                             f"(rule {cols.rule}); 目標 = {' '.join(ln.text for ln in cols.right)[:60]!r}",
                             cols.right[0].no if cols.right else seg.label_line)
        if not cols.left or not cols.right:
            self.log.warning("empty_cell", f"{where}: the {'left' if not cols.left else '目標'} cell is empty",
                             seg.label_line)

    def _schedule(self, code: str, seg: _Segment, years: list[int], narrow: int) -> list[AkishimaScheduleCell]:
        """The 予定 row: items (``_schedule_items``) assigned to the fiscal years of the スケジュール
        header (``split_schedule``); guesses are reported."""
        if not years:
            self.log.warning("schedule_years_missing", f"report {code}: the スケジュール header names no year",
                             seg.label_line)
            return []
        items, unsplittable = _schedule_items(seg.lines, narrow)
        for no in unsplittable:
            self.log.warning("schedule_line_too_wide", f"report {code}: a schedule line wider than a cell has no "
                             "space to split it at; kept in one cell", no)
        split = split_schedule(items, len(years))
        texts = ["\n".join(it.text for it in cell) or None for cell in split.cells]
        shown = " | ".join(f"FY{y}: {(t or '-').replace(chr(10), ' / ')}" for y, t in zip(years, texts, strict=True))
        line = items[0].parts[0][0] if items else seg.label_line
        identical = len({match_key(t or "") for t in texts}) == 1
        if split.rule in ("no_repeat", "parallel") and not identical:
            how = ("no cell lists the same activity twice" if split.rule == "no_repeat" else
                   "no cell lists the same activity twice; of the remaining splits the one whose cells run in "
                   "parallel (same activities, even sizes) was taken")
            self.log.warning("schedule_split_inferred",
                             f"report {code}: the {len(items)} schedule items were assigned to years by rule "
                             f"({how}): {shown}", line)
        elif split.rule in ("ambiguous_first_year", "unsplit", "overflow"):
            self.log.warning("schedule_split_ambiguous",
                             f"report {code}: the text cannot tell which year some schedule items belong to "
                             f"(rule {split.rule}); undecided items are kept on the earliest possible year: {shown}",
                             line)
        cells = []
        for year, cell, text in zip(years, split.cells, texts, strict=True):
            nos = [no for it in cell for no, _ in it.parts]
            cells.append(AkishimaScheduleCell(fiscal_year=year, plan=text, rule=split.rule,
                                              source_line_start=min(nos) if nos else None,
                                              source_line_end=max(nos) if nos else None))
        return cells

    # -- cross-checks ---------------------------------------------------------------------------
