"""Cross-checks: status list vs reports vs 見直し, phone numbers (``check_*`` warnings)."""

from __future__ import annotations

from collections import Counter

from planparse.normalize import (
    match_key,
    status_from_mark,
)
from planparse.schemas.akishima_midterm_report import (
    AkishimaReport,
    AkishimaRevision,
    AkishimaStatusRow,
)


class Checks:
    """Cross-checks between the parts of the document (mixed into ``document.Run``)."""

    def _cross_check(self, rows: list[AkishimaStatusRow], revisions: list[AkishimaRevision],
                     reports: list[AkishimaReport], legend: dict[str, str]) -> None:
        """List vs reports (numbers, names, 事業名), 見直し vs △/× marks, policies, phone numbers,
        関連法令 equal to the 施策's own name, result cells holding only an assessment word."""
        by_code = {r.code: r for r in reports}
        listed = {s.code: s for s in rows}
        for s in rows:
            r = by_code.get(s.code)
            if r is None:
                self.log.warning("check_report_missing",
                                 f"施策 {s.code} {s.name!r} is in the status list but has no 第２章 report", s.source_line)
                continue
            if match_key(r.heading) != match_key(s.name):
                self.log.warning("check_heading_name_differs",
                                 f"施策 {s.code}: report heading {r.heading!r} differs from the status list name "
                                 f"{s.name!r} (the list name is kept)", r.heading_line)
            if r.business_name and match_key(r.business_name) != match_key(s.name):
                self.log.warning("check_report_name_differs",
                                 f"施策 {s.code}: 事業名 {r.business_name!r} differs from the status list name {s.name!r} "
                                 "(kept in initiatives.report_name)", r.label_lines.get("basic"))
        for r in reports:
            if r.code not in listed:
                self.log.warning("check_status_missing",
                                 f"report {r.code} {r.heading!r} is not in the status list: it has no mark",
                                 r.heading_line)
            if r.business_number and r.business_number != r.code:
                self.log.warning("check_report_number_differs",
                                 f"report {r.code}: its 事業名 is numbered {r.business_number}", r.label_lines.get("basic"))
            if r.related_laws and r.business_name and match_key(r.related_laws) in (
                    match_key(r.business_name), match_key(r.heading)):
                self.log.warning("check_related_law_is_name",
                                 f"report {r.code}: 関連法令・条例・計画等 repeats the 施策's own name "
                                 f"({r.related_laws!r}); kept as written, probably misplaced", r.label_lines.get("period"))
            for box in r.years:
                if box.result and status_from_mark(box.result) is not None:
                    mark = listed[r.code].mark if r.code in listed else None
                    self.log.warning("check_result_is_assessment",
                                     f"施策 {r.code} FY{box.fiscal_year}: the 事業達成状況 cell holds only the assessment "
                                     f"{box.result!r} (recorded as the year's status); the status list marks the 施策 "
                                     f"{mark}", box.result_line)
        self._check_revisions(rows, revisions, by_code)
        self._check_phones(reports)

    def _check_revisions(self, rows: list[AkishimaStatusRow], revisions: list[AkishimaRevision],
                         by_code: dict[str, AkishimaReport]) -> None:
        """The 見直し section must name exactly the 施策 whose mark is not on track, with the same
        mark, name and 基本方針."""
        revised = {r.code: r for r in revisions}
        for s in rows:
            needs = status_from_mark(s.mark) not in (None, status_from_mark("\u3007"))
            if needs and s.code not in revised:
                self.log.warning("check_revision_missing",
                                 f"施策 {s.code} is marked {s.mark} but has no entry in 「施策の見直し」", s.source_line)
        listed = {s.code: s for s in rows}
        for r in revisions:
            s = listed.get(r.code)
            if s is None:
                self.log.warning("check_revision_unexpected",
                                 f"見直し entry {r.code} {r.name!r} is not in the status list", r.source_line_start)
                continue
            if status_from_mark(s.mark) == status_from_mark("\u3007"):
                self.log.warning("check_revision_unexpected",
                                 f"見直し entry for 施策 {r.code}, which the status list marks {s.mark}",
                                 r.source_line_start)
            if r.mark != s.mark:
                self.log.warning("check_revision_mark_differs",
                                 f"施策 {r.code}: 見直し says 【達成状況：{r.mark}】, the status list {s.mark}",
                                 r.source_line_start)
            if match_key(r.name) != match_key(s.name):
                self.log.warning("check_revision_name_differs",
                                 f"施策 {r.code}: 見直し names it {r.name!r}, the status list {s.name!r}",
                                 r.source_line_start)
            report = by_code.get(r.code)
            if report and r.policy_code and report.policy_code and r.policy_code != report.policy_code:
                self.log.warning("check_revision_policy_differs",
                                 f"施策 {r.code}: 見直し places it under 基本方針{r.policy_code}, 第２章 under "
                                 f"基本方針{report.policy_code}", r.source_line_start)

    def _check_phones(self, reports: list[AkishimaReport]) -> None:
        """One 部/課/係 should have one 電話: a report whose number differs from the one most reports
        of the same unit give is reported (with the unit that number belongs to, if any)."""
        units: dict[tuple, list[AkishimaReport]] = {}
        for r in reports:
            if r.phone:
                units.setdefault((r.division, r.department, r.section), []).append(r)
        owner: dict[str, tuple] = {}   # number → the unit whose usual number it is
        for unit, rs in units.items():
            owner.setdefault(Counter(r.phone for r in rs).most_common(1)[0][0], unit)
        for unit, rs in units.items():
            counts = Counter(r.phone for r in rs)
            if len(counts) < 2:
                continue
            usual, usual_n = counts.most_common(1)[0]
            if list(counts.values()).count(usual_n) > 1:
                continue   # no majority: nothing to compare with
            for r in rs:
                if r.phone != usual:
                    other = owner.get(r.phone)
                    also = f"; {r.phone} is the number of {'/'.join(x for x in other if x)}" if other and \
                        other != unit else ""
                    self.log.warning("check_phone_variant",
                                     f"report {r.code}: 電話 {r.phone} for {'/'.join(x for x in unit if x)}, "
                                     f"which the other reports give as {usual}{also}", r.label_lines.get("basic"))
