"""Patterns and constants of the 中間報告書: labels, headings, marks (each with a source line it matches)."""

from __future__ import annotations

import regex

# (the municipality and the detection markers are in ``markers``)

# ---------------------------------------------------------------------------------------------
# Patterns (matched on the line as written unless said otherwise; a page start adds one space)
# ---------------------------------------------------------------------------------------------

_DIGITS = r"[0-9０-９]"
# " 第２章 中間報告書 "
CHAPTER = regex.compile(rf"^\s*第\s*(?P<n>{_DIGITS}+)\s*章\s*(?P<title>\S.*?)?\s*$")
# " ３ 施策の見直し " (a 第１章 section heading; recognised by its title, see _SECTION_KEYS)
SECTION = regex.compile(rf"^\s*(?P<n>{_DIGITS}{{1,2}})\s+(?P<title>\S.*?)\s*$")
# "基本方針１：市民が「便利になった」と実感するデジタル化の推進 "
POLICY = regex.compile(rf"^\s*基本方針\s*(?P<n>{_DIGITS}+)\s*[：:]\s*(?P<name>\S.*?)\s*$")
# "〇・・・予定どおり実施されている " (legend of the status marks)
LEGEND = regex.compile(r"^\s*(?P<mark>[〇○◯△▲×✕✖])\s*[・･.．…]{2,}\s*(?P<meaning>\S.*?)\s*$")
# "10.学校教育における ICT 化の推進 〇 " (status list row: the mark ends the row)
STATUS_ROW = regex.compile(rf"^\s*(?P<n>{_DIGITS}{{1,3}})\s*[.．]\s*(?P<name>\S.*?)\s+(?P<mark>[〇○◯△▲×✕✖])\s*$")
# "１. 行政手続のオンライン化（スマートフォン対応） 【達成状況：△】 "
REVISION_HEAD = regex.compile(
    rf"^\s*(?P<n>{_DIGITS}{{1,3}})\s*[.．]\s*(?P<name>\S.*?)\s*【\s*達成状況\s*[：:]\s*(?P<mark>\S)\s*】\s*$")
# " 追加２.子どもに関する手続きのデジタル化 "
ADDITION_HEAD = regex.compile(rf"^\s*追加\s*(?P<n>{_DIGITS}{{1,2}})\s*[.．]\s*(?P<name>\S.*?)\s*$")
# "１.行政手続のオンライン化（スマートフォン対応） " / "８. AIチャットボットサービス" (report heading, 事業名)
NUMBERED = regex.compile(rf"^\s*(?P<n>{_DIGITS}{{1,3}})\s*[.．]\s*(?P<name>\S.*?)\s*$")
# "１.行政手続のオンライン化 部 総務部   " / "部 総務部   " (部 of 担当部署, after the 事業名)
DIVISION = regex.compile(r"(?:^|\s)部\s+(?P<division>\S+)\s*$")
# "課 デジタル戦略担当   " / "課 アキシマエンシ" (wraps on the next line)
DEPARTMENT = regex.compile(r"^課(?:\s+(?P<department>\S.*?))?\s*$")
# "係 市民係 電話 2021 " / "係  電話 2319 " / "係 システム調整担" (電話 on a later line)
SECTION_PHONE = regex.compile(r"^係(?:\s+(?P<section>.*?))??(?:\s*電話\s+(?P<phone>\S+))?\s*$")
# "電話 2614 "
PHONE = regex.compile(r"^電話\s+(?P<phone>\S+)\s*$")
# "*「アナログ規制」：アナログ的な手法（…" (footnote of an added 施策)
FOOTNOTE = regex.compile(r"^[*＊※]\s*「?(?P<term>[^」：:]+?)」?\s*[：:]\s*(?P<definition>\S.*)$")
# "令和６ " / "（2024） " (実施年度 column headers of an added 施策)
YEAR_CELL = regex.compile(rf"^(?:(?:令和|平成)\s*(?:{_DIGITS}{{1,2}}|元)(?:年度?)?|[（(]\s*\d{{4}}\s*[）)])$")
# "本書「昭島市デジタル化推進計画中間報告書」" (title, in はじめに)
TITLE = regex.compile(r"本書\s*「(?P<title>[^」]+)」")
TITLE_FALLBACK = regex.compile(r"「(?P<title>[^」]*中間報告書)」")
# "令和４（2022）年度を初年度とする令和８(2026)年度まで" (plan period)
PLAN_PERIOD = regex.compile(r"(?P<start>(?:令和|平成)[^、。を]{1,14}?年度)を初年度とする(?P<end>(?:令和|平成)[^、。]{1,14}?年度)まで")
# "昭島市デジタル化推進計画…" → 昭島市
MUNICIPALITY = regex.compile(r"^(?P<name>\S{1,6}?[都道府県市区町村])")
# "16 " alone after empty lines, before a page-start " " line: a printed page number
# (also as another PDF may print it: "- 16 -", "－16－", "16/58", "P.16")
PAGE_NUMBER = regex.compile(r"^\s*(?:[-－‐―—–]\s*)?(?:[pP]\.?\s*)?[0-9０-９]{1,3}(?:\s*/\s*[0-9]{1,3})?(?:\s*[-－‐―—–])?\s*$")
# the last character of a PAGE_NUMBER line before its trailing spaces: a line ending otherwise is not tried
PAGE_NUMBER_END = frozenset("0123456789０１２３４５６７８９-－‐―—–")
# two bullets on one line: "・機能要件書を作成  ・RFPの実施"
_INNER_BULLET = regex.compile(r"\s+(?=・)")
# runs of spaces: "係  電話 2319", "（国補助事業）   "
_SPACES = regex.compile(r"[ \t\u3000]{2,}")

BULLET = "・"
# characters that may not start a line (kinsoku): a line one character short before a line whose
# second character is one of these was pushed out by the rule, so it is still a wrapped line
_NO_LINE_START = frozenset("、。，．,.）)」』】〕ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ！？!?：；")
# particles after which a Gantt label cannot end
_PARTICLE_END = frozenset("のなをにへとやがはでも")

NARROW_MAX = 18
"""Widest line (half-width units, full-width = 2) of a narrow cell (目標, スケジュール: 8 full-width
characters = 16, plus slack for Latin letters). A wider line belongs to a wide cell."""

# label match keys of the 第２章 report template → segment kind
_REPORT_LABELS = {
    "事業名担当部署": "basic",
    "事業期間関連法令・条例・計画等": "period",
    "目的・実施内容目標": "overview",
    "達成状況・今後の課題": "progress",
}
# "令和４（2022）年度の事業達成状況 目標 " (on match-key text: 令和4(2022)年度の事業達成状況目標)
_YEAR_LABEL = regex.compile(r"^(?P<year>.+年度)の事業達成状況目標$")
_YEAR_LABEL_END = "の事業達成状況目標"
# " スケジュール 令和６(2024)年度 令和７(2025)年度 令和８(2026)年度 " (on match-key text)
_SCHEDULE_LABEL = regex.compile(r"^スケジュール(?P<years>.*年度.*)$")
_SCHEDULE_LABEL_START = "スケジュール"
# "予定 " (the schedule row label; not "予定しています。")
_PLAN_LABEL = "予定"

# labels of an added 施策 (match keys); prefix labels carry their value on the same line
_ADDITION_LABELS = {
    "主な担当課": "departments",
    "現状・課題": "current_issues",
    "実施内容": "content",
    "期待される効果": "expected_effect",
    "達成目標": "goal",
    "実施年度": "years",
}
_PREFIX_LABELS = ("departments", "goal")

# 第１章 section titles (match keys contain) → section
_SECTION_KEYS = {"施策の達成状況": "status", "施策の見直し": "revision", "施策の追加": "additions"}


# runs of characters not printed at full width (full width: East Asian wide, full-width and ambiguous:
# 漢字, かな, ・, ○, △, ×): "ICT 化の推進" → "ICT ", removed by ``display_width`` to count the wide ones
_NOT_WIDE_RUN = regex.compile(
    r"[^\p{East_Asian_Width=Wide}\p{East_Asian_Width=Fullwidth}\p{East_Asian_Width=Ambiguous}]+")
# the same without the newline (``display_widths``: the separator of the texts it measures at once)
_NOT_WIDE_RUN_BUT_NEWLINE = regex.compile(
    r"[^\p{East_Asian_Width=Wide}\p{East_Asian_Width=Fullwidth}\p{East_Asian_Width=Ambiguous}\n]+")
