"""第１章: 「２ 施策の達成状況」 list, 「３ 施策の見直し」 entries, 「４ 施策の追加」 records."""

from __future__ import annotations

from collections.abc import Sequence

import regex

from planparse.normalize import (
    find_fiscal_years,
    join_wrapped,
    split_departments,
    status_from_mark,
)
from planparse.parsers.akishima_midterm_report.model import (
    _PolicySeen,
    _Section,
    guarded,
)
from planparse.parsers.akishima_midterm_report.patterns import (
    _ADDITION_LABELS,
    _PARTICLE_END,
    _PREFIX_LABELS,
    ADDITION_HEAD,
    FOOTNOTE,
    LEGEND,
    NUMBERED,
    POLICY,
    REVISION_HEAD,
    STATUS_ROW,
    YEAR_CELL,
)
from planparse.parsers.akishima_midterm_report.text import (
    _ascii_no,
    _join,
    _Line,
    _sources,
    _usual_width,
    piece,
)
from planparse.schemas.akishima_midterm_report import (
    AkishimaAddition,
    AkishimaFootnote,
    AkishimaRevision,
    AkishimaStatusRow,
)


class Chapter1:
    """第１章: the status list, 見直し entries and the added 施策 (mixed into ``document.Run``)."""

    # -- 第１章: status list ---------------------------------------------------------------------

    def _status_list(self, section: _Section | None
                     ) -> tuple[dict[str, str], dict[str, int], int | None, list[AkishimaStatusRow]]:
        """Legend and rows of 「２ 施策の達成状況」. Rows come after the first ``施策名 達成状況``
        header; a repeated header is skipped; a row wrapped over two lines is joined."""
        legend: dict[str, str] = {}
        legend_lines: dict[str, int] = {}
        rows: list[AkishimaStatusRow] = []
        if section is None:
            return legend, legend_lines, None, rows
        header: int | None = None
        pending: _Line | None = None
        seen: set[str] = set()
        for ln in self.content(section.start + 1, section.end):
            key = ln.key
            if key == "施策名達成状況":
                header = header or ln.no
                continue
            if header is None:
                if m := LEGEND.match(ln.text):
                    legend[m.group("mark")] = m.group("meaning")
                    legend_lines[m.group("mark")] = ln.no
                continue   # introduction prose
            text = ln.text if pending is None else join_wrapped([pending.text, ln.text])
            m = STATUS_ROW.match(text)
            if m is None:
                if pending is None and NUMBERED.match(ln.text):
                    pending = ln
                    continue
                self.log.warning("unrecognised_line",
                                 f"line in the status list is not a row 'N.施策名 mark': {ln.text[:80]!r}", ln.no)
                pending = None
                continue
            line = pending.no if pending else ln.no
            if pending is not None:
                self.log.warning("status_row_wrapped", f"status list row wrapped over two lines, joined: {text!r}",
                                 line)
            pending = None
            code = _ascii_no(m.group("n"))
            mark = m.group("mark")
            if code in seen:
                self.log.error("duplicate_status_row", f"施策 {code} is listed twice; the second row is dropped",
                               line)
                continue
            seen.add(code)
            if status_from_mark(mark) is None:
                self.log.warning("unknown_status_mark",
                                 f"施策 {code}: mark {mark!r} (U+{ord(mark):04X}) is not 〇 (U+3007), △ or ×; "
                                 "status left empty", line)
            elif legend and mark not in legend:
                self.log.warning("check_mark_not_in_legend", f"施策 {code}: mark {mark!r} is not in the legend",
                                 line)
            rows.append(AkishimaStatusRow(code=code, name=m.group("name").strip(), mark=mark, source_line=line))
        if pending is not None:
            self.log.warning("unrecognised_line", f"status list line without a mark: {pending.text[:80]!r}",
                             pending.no)
        if header is None:
            self.log.warning("status_list_missing", "no 施策名 達成状況 header: the status list was not read",
                             section.start)
        return legend, legend_lines, header, rows

    # -- 第１章: 見直し --------------------------------------------------------------------------

    def _revisions(self, section: _Section | None, policies: _PolicySeen) -> list[AkishimaRevision]:
        """Entries of 「３ 施策の見直し」: heading with 【達成状況：mark】, then ・ bullets up to the
        next heading, 基本方針 line or the section's end. Prose before the first entry is skipped."""
        if section is None:
            return []
        lines = self.content(section.start + 1, section.end)
        full = _usual_width(lines)
        out: list[AkishimaRevision] = []
        policy: str | None = None
        current: tuple[regex.Match, int, str | None] | None = None
        body: list[_Line] = []

        def close() -> None:
            if current is None:
                return
            m, line, pol = current
            end = body[-1].no if body else line
            entry = guarded(self.log, "revision_unreadable", f"見直し entry {m.group(0).strip()[:40]!r}",
                            lambda: AkishimaRevision(code=_ascii_no(m.group("n")), name=m.group("name").strip(),
                                                     mark=m.group("mark"), policy_code=pol, text=_join(body, full),
                                                     source_line_start=line, source_line_end=end), None, line)
            if entry is not None:
                out.append(entry)

        for ln in lines:
            if m := POLICY.match(ln.text):
                close()
                current, body = None, []
                policy = self._policy(policies, m, ln.no, chapter2=False)
            elif m := REVISION_HEAD.match(ln.text):
                close()
                current, body = (m, ln.no, policy), []
            elif current is not None:
                body.append(ln)
        close()
        return out

    # -- 第１章: additions ----------------------------------------------------------------------

    def _additions(self, section: _Section | None, policies: _PolicySeen
                   ) -> tuple[list[AkishimaAddition], list[AkishimaFootnote]]:
        """Records of 「４ 施策の追加」 (see ``_addition``), each under the last 基本方針 line."""
        if section is None:
            return [], []
        lines = self.content(section.start + 1, section.end, fillers=True)
        full = _usual_width(lines)
        starts: list[tuple[int, regex.Match, str | None]] = []
        policy: str | None = None
        for i, ln in enumerate(lines):
            if m := POLICY.match(ln.text):
                policy = self._policy(policies, m, ln.no, chapter2=False)
                starts.append((i, m, "policy"))
            elif m := ADDITION_HEAD.match(ln.text):
                starts.append((i, m, policy))
        additions: list[AkishimaAddition] = []
        footnotes: list[AkishimaFootnote] = []
        for j, (i, m, pol) in enumerate(starts):
            if pol == "policy":
                continue
            stop = starts[j + 1][0] if j + 1 < len(starts) else len(lines)
            read = guarded(self.log, "addition_unreadable", f"追加{m.group('n')} ({m.group('name')[:30]!r})",
                           lambda m=m, i=i, stop=stop, pol=pol: self._addition(m, lines[i], lines[i + 1:stop], pol, full),
                           None, lines[i].no)
            if read is None:
                continue
            addition, notes = read
            additions.append(addition)
            footnotes.extend(notes)
        kept: dict[str, AkishimaAddition] = {}
        for a in additions:
            other = kept.get(a.code)
            if other is None:
                kept[a.code] = a
                continue
            # a 追加N heading repeated: the record with more of its labels is the addition
            keep_new = len(a.label_lines) > len(other.label_lines)
            dropped = other if keep_new else a
            self.log.error("duplicate_addition", f"追加{a.number} appears twice: the one at line "
                           f"{dropped.source_line_start} (fewer labels) was dropped", dropped.source_line_start)
            if keep_new:
                kept[a.code] = a
        return list(kept.values()), footnotes

    def _addition(self, head: regex.Match, head_line: _Line, lines: list[_Line], policy: str | None,
                  full: int | None) -> tuple[AkishimaAddition, list[AkishimaFootnote]]:
        """One 追加N record: labelled fields (a label may be split over two lines, 期待される / 効果),
        footnotes before the first label, 実施年度 year columns, then the Gantt bar labels."""
        number = _ascii_no(head.group("n"))
        fields: dict[str, list[_Line]] = {}
        label_lines: dict[str, int] = {}
        current: str | None = None
        footnote_lines: list[_Line] = []
        content = [ln for ln in lines if not ln.filler]
        skip = 0
        for idx, ln in enumerate(content):
            if skip:
                skip -= 1
                continue
            key = ln.key
            label, value = self._addition_label(key, ln, content[idx + 1] if idx + 1 < len(content) else None,
                                                label_lines)
            if label == "_split":
                skip = 1
                label, value = value, None
            if label:
                current = label
                label_lines[label] = ln.no
                fields[label] = [value] if value is not None else []
                continue
            if current is None:
                if ln.text[:1] in "*＊※" or footnote_lines:
                    footnote_lines.append(ln)
                else:
                    self.log.warning("unrecognised_line",
                                     f"追加{number}: line before its first label skipped: {ln.text[:80]!r}", ln.no)
                continue
            fields[current].append(ln)
        years, gantt = self._addition_years(number, fields.get("years", []))
        for name in ("departments", "current_issues", "content", "expected_effect", "goal", "years"):
            if name not in label_lines:
                self.log.warning("addition_field_missing", f"追加{number}: label for {name} not found",
                                 head_line.no)
        departments_text = join_wrapped(ln.text for ln in fields.get("departments", [])) or None
        labels = _gantt_labels(gantt)
        if labels:
            self.log.warning(
                "gantt_years_unknown",
                f"追加{number}: the 実施年度 chart's {len(labels)} bar label(s) {labels} carry no fiscal year in "
                "the text; kept in initiatives.schedule without annual entries (wrapped labels joined by rule)",
                gantt[0].no)
        end = max([head_line.no, *(ln.no for ln in lines if not ln.filler)])
        addition = AkishimaAddition(
            number=number, code=f"A{number}", name=head.group("name").strip(), policy_code=policy,
            departments_text=departments_text,
            departments=split_departments(departments_text or "", "、"),
            current_issues=_join(fields.get("current_issues", []), full),
            content=_join(fields.get("content", []), full),
            expected_effect=_join(fields.get("expected_effect", []), full),
            goal=_join(fields.get("goal", []), full), goal_lines=_sources(fields.get("goal", [])),
            fiscal_years=years, gantt_labels=labels,
            source_line_start=head_line.no, source_line_end=end, label_lines=label_lines,
        )
        notes = self._footnotes(number, footnote_lines, lines)
        return addition, notes

    @staticmethod
    def _addition_label(key: str, ln: _Line, nxt: _Line | None, seen: dict[str, int]
                        ) -> tuple[str | None, _Line | str | None]:
        """(label, value line) when ``ln`` is a label of an added 施策; ``("_split", label)`` when the
        label continues on the next line; (None, None) otherwise."""
        for words, name in _ADDITION_LABELS.items():
            if key == words:
                return name, None
            if name in _PREFIX_LABELS and name not in seen and key.startswith(words):
                value = ln.text[ln.text.find(words[-1]) + 1:].strip() if words[-1] in ln.text else ""
                return name, (piece(ln.no, value) if value else None)
            if nxt is not None and words.startswith(key) and key and key + nxt.key == words:
                return "_split", name
        return None, None

    def _addition_years(self, number: str, lines: list[_Line]) -> tuple[list[int], list[_Line]]:
        """Split the 実施年度 part into its year columns (令和６ / （2024） …) and the bar labels."""
        i = 0
        while i < len(lines) and YEAR_CELL.match(lines[i].key):
            i += 1
        years = sorted({y.fiscal_year for y in find_fiscal_years("".join(ln.text for ln in lines[:i]))})
        if lines and not years:
            self.log.warning("addition_years_missing", f"追加{number}: no year columns after 実施年度", lines[0].no)
        return years, lines[i:]

    def _footnotes(self, number: str, notes: list[_Line], record: list[_Line]) -> list[AkishimaFootnote]:
        if not notes:
            return []
        out: list[AkishimaFootnote] = []
        groups: list[list[_Line]] = []
        for ln in notes:
            if ln.text[:1] in "*＊※" or not groups:
                groups.append([ln])
            else:
                groups[-1].append(ln)
        for group in groups:
            text = join_wrapped(ln.text for ln in group)
            m = FOOTNOTE.match(text)
            if not m:
                self.log.warning("unrecognised_line", f"追加{number}: footnote without 「term」： {text[:80]!r}",
                                 group[0].no)
                continue
            term = m.group("term").strip()
            mark = regex.compile(regex.escape(term) + r"」?\s*[*＊]")
            refs = [ln.no for ln in record if not ln.filler and ln not in group and mark.search(ln.text)]
            out.append(AkishimaFootnote(term=term, definition=m.group("definition").strip(),
                                        source_line_start=group[0].no, source_line_end=group[-1].no,
                                        references=refs))
        return out

    # -- 第２章: reports -------------------------------------------------------------------------


def _gantt_labels(lines: Sequence[_Line]) -> list[str]:
    """Bar labels of an added 施策's chart. A label line is continued on the next one when it ends
    where a phrase cannot: after a particle (の, な, を …), inside a katakana word, or after a
    Latin word that the next line continues without a space (``Web`` / ``会議ツール``)."""
    labels: list[str] = []
    prev = ""
    for ln in lines:
        if ln.filler or not ln.text:
            continue
        text = ln.text
        if labels and _label_continues(prev, text):
            labels[-1] = join_wrapped([labels[-1], text])
        else:
            labels.append(text)
        prev = text
    return labels


def _is_katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa" or ch == "ー"


def _label_continues(prev: str, nxt: str) -> bool:
    last, first = prev[-1:], nxt[:1]
    if last in _PARTICLE_END:
        return True
    if _is_katakana(last) and _is_katakana(first):
        return True
    return last.isascii() and last.isalpha() and not first.isascii()
