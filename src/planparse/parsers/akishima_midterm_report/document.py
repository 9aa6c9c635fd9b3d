"""One parse of one document: the steps in order (sections → 第１章 → reports → checks)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter

import regex

from planparse.ingest import SourceDocument
from planparse.normalize import (
    join_wrapped,
    match_key,
    parse_fiscal_year,
    to_int,
)
from planparse.parsers.akishima_midterm_report.chapter1 import (
    Chapter1,
)
from planparse.parsers.akishima_midterm_report.checks import (
    Checks,
)
from planparse.parsers.akishima_midterm_report.markers import MUNICIPALITY_CODE, MUNICIPALITY_NAME
from planparse.parsers.akishima_midterm_report.model import (
    _PolicySeen,
    _Section,
    guarded,
)
from planparse.parsers.akishima_midterm_report.patterns import (
    _SECTION_KEYS,
    ADDITION_HEAD,
    CHAPTER,
    MUNICIPALITY,
    PAGE_NUMBER,
    PAGE_NUMBER_END,
    PLAN_PERIOD,
    POLICY,
    REVISION_HEAD,
    SECTION,
    TITLE,
    TITLE_FALLBACK,
)
from planparse.parsers.akishima_midterm_report.reports import (
    Reports,
)
from planparse.parsers.akishima_midterm_report.text import (
    _ascii_no,
    _clean,
    _Line,
    _page_number_context,
    display_widths,
)
from planparse.schemas.akishima_midterm_report import (
    AkishimaMidtermReport,
    AkishimaPolicy,
)
from planparse.schemas.base import IssueLog, ParseResult


class Run(Chapter1, Reports, Checks):
    """One parse of one document: the lines, the issue log, and the steps."""

    def __init__(self, doc: SourceDocument) -> None:
        self.doc = doc
        self.log = IssueLog()
        self.n = len(doc.lines)
        # the lines that have text (and with the fillers), in order, and their numbers: ``content``
        # cuts a range out of them by bisection instead of scanning every line number
        self._with_fillers: list[_Line] = []
        self._with_fillers_nos: list[int] = []
        self._with_text: list[_Line] = []
        self._with_text_nos: list[int] = []
        raw = doc.lines
        kept: list[tuple[int, str | None]] = []   # (line number, text without surrounding spaces; None: a filler)
        for no, text in enumerate(raw, start=1):
            stripped = text.strip()
            if not stripped:
                if text:   # a whitespace-only line: a filler
                    kept.append((no, None))
                continue
            if stripped[-1] in PAGE_NUMBER_END and PAGE_NUMBER.match(text) and _page_number_context(raw, no):
                continue   # a printed page number
            kept.append((no, _clean(text)))
        widths = iter(display_widths([clean for _, clean in kept if clean is not None]))
        for no, clean in kept:
            self._with_fillers_nos.append(no)
            if clean is None:
                self._with_fillers.append(_Line(no, "", 0, "", True))
                continue
            # the key of the line as written: the same as its clean text's (``match_key`` drops the
            # whitespace ``_clean`` collapses), and already remembered where format detection keyed it
            line = _Line(no, clean, next(widths), match_key(raw[no - 1]))
            self._with_fillers.append(line)
            self._with_text.append(line)
            self._with_text_nos.append(no)

    # -- helpers --------------------------------------------------------------------------------

    def content(self, start: int, end: int, *, fillers: bool = False) -> list[_Line]:
        """Lines ``start``..``end`` (inclusive, 1-based) that have text (and fillers if asked); a new list."""
        lines, nos = (self._with_fillers, self._with_fillers_nos) if fillers else (self._with_text, self._with_text_nos)
        return lines[bisect_left(nos, start):bisect_right(nos, end)]

    # -- the steps ----------------------------------------------------------------------------

    def parse(self) -> ParseResult:
        lines = self.content(1, self.n)
        # (a chapter heading has the word 章: the pattern is tried on those lines only)
        chapters = [(ln.no, m) for ln in lines if "章" in ln.text and (m := CHAPTER.match(ln.text))]
        anchors = [ln.no for ln in lines if ln.key == "事業名担当部署"]
        reports_start, reports_end = self._reports_region(chapters, anchors)
        for no in anchors:
            if not reports_start <= no <= reports_end:
                self.log.warning("stray_report_label", "a 事業名 担当部署 label outside the reports' chapter is read "
                                 "as text", no)
        anchors = [no for no in anchors if reports_start <= no <= reports_end]
        sections = guarded(self.log, "part_unreadable", "第１章's sections",
                           lambda: self._sections(1, reports_start - 1, chapters), {})
        title = guarded(self.log, "part_unreadable", "the title", lambda: self._title(chapters), None)
        first_section = min((sec.start for sec in sections.values()), default=reports_start)
        plan_start, plan_end = guarded(self.log, "part_unreadable", "the plan period",
                                       lambda: self._plan_period(first_section), (None, None))

        policies: _PolicySeen = {}
        legend, legend_lines, list_line, status_rows = guarded(
            self.log, "part_unreadable", "the status list (施策の達成状況)",
            lambda: self._status_list(sections.get("status")), ({}, {}, None, []))
        revisions = guarded(self.log, "part_unreadable", "the 施策の見直し section",
                            lambda: self._revisions(sections.get("revision"), policies), [])
        additions, footnotes = guarded(self.log, "part_unreadable", "the 施策の追加 section",
                                       lambda: self._additions(sections.get("additions"), policies), ([], []))
        raw_reports = guarded(self.log, "part_unreadable", "the reports' chapter",
                              lambda: self._raw_reports(anchors, reports_start, reports_end, policies), [])
        reports = guarded(self.log, "part_unreadable", "the reports", lambda: self._reports(raw_reports), [])
        if not reports:
            self.log.error("no_records", "no 第２章 report found (no 事業名 担当部署 label)")
        if plan_start is None and reports:
            starts = [r.start_fy for r in reports if r.start_fy]
            ends = [r.end_fy for r in reports if r.end_fy]
            plan_start, plan_end = (min(starts) if starts else None), (max(ends) if ends else None)
            self.log.warning("plan_period_from_reports",
                             "the plan period (…を初年度とする…まで) was not found; taken from the reports' 事業期間")
        guarded(self.log, "part_unreadable", "the cross-checks",
                lambda: self._cross_check(status_rows, revisions, reports, legend), None)
        municipality = None
        if title and (m := MUNICIPALITY.match(title)):
            municipality = m.group("name")
        record = AkishimaMidtermReport(
            title=title, municipality_code=MUNICIPALITY_CODE,
            municipality_name=municipality or MUNICIPALITY_NAME,
            plan_start_fy=plan_start, plan_end_fy=plan_end,
            policies=guarded(self.log, "part_unreadable", "the 基本方針", lambda: self._policies(policies), []),
            legend=legend, legend_lines=legend_lines, status_list_line=list_line, status_list=status_rows,
            revisions=revisions, additions=additions, reports=reports, footnotes=footnotes,
        )
        return ParseResult(record=record, issues=self.log.issues)

    # -- document layout ----------------------------------------------------------------------

    def _reports_region(self, chapters: list[tuple[int, regex.Match]], anchors: list[int]) -> tuple[int, int]:
        """First and last line of the reports' chapter: the chapter (from its heading to the line
        before the next heading) that holds most ``事業名 担当部署`` labels, so that a stray label
        elsewhere does not move it; from the heading before the first label when no chapter has one."""
        if not anchors:
            return self.n + 1, self.n
        starts = sorted(no for no, _ in chapters)
        held = Counter(max((s for s in starts if s < a), default=1) for a in anchors)
        start = max(held, key=lambda s: (held[s], -s))
        end = min((s - 1 for s in starts if s > start), default=self.n)
        return start, end

    def _sections(self, start: int, end: int, chapters: list[tuple[int, regex.Match]]) -> dict[str, _Section]:
        """第１章 sections found by their titles (施策の達成状況 / 施策の見直し / 施策の追加)."""
        heads: list[tuple[int, str | None]] = [(no, None) for no, _ in chapters if start <= no <= end]
        for ln in self.content(start, end):
            m = SECTION.match(ln.text)
            if not m:
                continue
            key = match_key(m.group("title"))
            kind = next((k for words, k in _SECTION_KEYS.items() if words in key), None)
            heads.append((ln.no, kind or "other"))
        heads.sort()
        sections: dict[str, _Section] = {}
        for i, (no, kind) in enumerate(heads):
            if kind is None or kind == "other":
                continue
            stop = heads[i + 1][0] - 1 if i + 1 < len(heads) else end
            if kind in sections:
                first = sections[kind]
                if self.content(first.start + 1, first.end):
                    self.log.warning("duplicate_section", f"a second 「{kind}」 section heading; only the first is "
                                     "read", no)
                    continue
                self.log.warning("duplicate_section", f"a second 「{kind}」 section heading right after the first "
                                 "(nothing between them): the second is read", no)
            sections[kind] = _Section(kind, no, stop)
        for kind, words in ((k, w) for w, k in _SECTION_KEYS.items()):
            if kind not in sections:
                found = self._section_by_content(kind, start, end, sections)
                if found is None:
                    self.log.warning("section_missing", f"第１章 section 「{words}」 not found: its data is absent")
                    continue
                self.log.warning("section_heading_missing", f"第１章 section 「{words}」 has no heading; it is read from "
                                 f"its first entry (line {found.start + 1}) on", found.start + 1)
                sections[kind] = found
        return sections

    def _section_by_content(self, kind: str, start: int, end: int, sections: dict[str, _Section]) -> _Section | None:
        """A section whose heading is missing, found by its own first entry: the 施策名 達成状況 header
        (status list), the first ``N.name 【達成状況：△】`` (見直し), the first ``追加N.`` (with the 基本方針
        line just before it). It runs to the next section found; the section before it is cut there."""
        lines = self.content(start, end)
        first = None
        for i, ln in enumerate(lines):
            if (kind == "status" and ln.key == "施策名達成状況") or (
                    kind == "revision" and REVISION_HEAD.match(ln.text)) or (
                    kind == "additions" and ADDITION_HEAD.match(ln.text)):
                first = i
                break
        if first is None:
            return None
        if kind != "status" and first > 0 and POLICY.match(lines[first - 1].text):
            first -= 1
        no = lines[first].no - 1   # the section's "heading" line: its first entry is read from the next line
        later = [s.start for s in sections.values() if s.start > no]
        stop = min(later, default=end + 1) - 1
        for other in sections.values():
            if other.start < no <= other.end:
                other.end = no - 1
        return _Section(kind, no, stop)

    def _title(self, chapters: list[tuple[int, regex.Match]]) -> str | None:
        first = chapters[0][0] if chapters else min(self.n, 60)
        text = join_wrapped(ln.text for ln in self.content(1, first))
        m = TITLE.search(text) or TITLE_FALLBACK.search(text)
        if not m:
            self.log.warning("title_missing", "no title (本書「…」) found before the first chapter")
            return None
        return m.group("title").strip()

    def _plan_period(self, before: int) -> tuple[int | None, int | None]:
        """``…年度を初年度とする…年度まで`` in the text before the first 第１章 section."""
        text = join_wrapped(ln.text for ln in self.content(1, before - 1))
        m = PLAN_PERIOD.search(text)
        if not m:
            return None, None
        return parse_fiscal_year(m.group("start")), parse_fiscal_year(m.group("end"))

    @staticmethod
    def _policy(policies: _PolicySeen, m: regex.Match, line: int, chapter2: bool) -> str:
        """Record a 基本方針 header (name, line, whether it is a 第２章 header); returns its code."""
        code = _ascii_no(m.group("n"))
        policies.setdefault(code, []).append((m.group("name").strip(), line, chapter2))
        return code

    def _policies(self, seen: _PolicySeen) -> list[AkishimaPolicy]:
        """One policy per code: the first 第２章 header gives the name and line (else the first header
        seen); other wordings become ``name_variants`` and ``check_policy_name_variant`` warnings."""
        out = []
        for code, occurrences in seen.items():
            name, line, _ = next((o for o in occurrences if o[2]), occurrences[0])
            variants: list[str] = []
            for other, other_line, _ in occurrences:
                if match_key(other) != match_key(name) and other not in variants:
                    variants.append(other)
                    self.log.warning("check_policy_name_variant",
                                     f"基本方針{code} is worded {other!r} here, {name!r} in 第２章", other_line)
            out.append(AkishimaPolicy(code=code, name=name, source_line=line, name_variants=variants))
        return sorted(out, key=lambda p: (to_int(p.code) or 0, p.code))
