"""Patterns of the action plan's lines: each named constant compiled once, with a source line it matches."""

from __future__ import annotations

import regex

from planparse.normalize import (
    CIRCLED_NUMBER,
)

# Patterns (each matches the line shown in its comment)
# --------------------------------------------------------------------------------------------

# " ①申請のオンライン化 管理番号 1-1-1"
CARD_HEADER = regex.compile(r"^\s?(?P<sub>.*?)\s*管理番号\s*(?P<code>[0-9０-９]+[-－][0-9０-９]+[-－][0-9０-９]+)\s*$")
# label block under a header (match keys): "事業名称 担当：", "事業内容", "年度", "取組内容", "目標", "ＫＰＩ", "備考"
LABEL_KEYS = frozenset({"事業名称担当:", "事業内容", "年度", "取組内容", "目標", "KPI", "備考"})
KPI_LABEL_KEY = "KPI"
NAME_LABEL_KEY = "事業名称担当:"
# the row labels of a card's KPI table (match keys): "取組内容", "目標", "ＫＰＩ"
KPI_TABLE_LABEL_KEYS = frozenset({"取組内容", "目標", KPI_LABEL_KEY})
# labels that only stand in a label block (not the 年度/備考 that also open or end year headers)
LEADING_LABEL_KEYS = frozenset({"事業名称担当:", "事業内容", "取組内容", "目標", "KPI"})
# the label pair that opens a card's 目的・あるべき姿 text (match keys): "目的", "あるべき姿"
OBJECTIVE_LABEL_KEYS = frozenset({"目的", "あるべき姿"})
# year header lines (match keys): "令和4年度" / "令和４年度", then "(2022年度）" / "（2023年度）"
ERA_YEAR_LINE = regex.compile(r"^(?P<era>令和|平成)(?P<n>元|\d{1,2})年度$")
GREGORIAN_YEAR_LINE = regex.compile(r"^\((?P<y>(?:19|20)\d{2})年度\)$")
ERA_BASE = {"令和": 2018, "平成": 1988}
# "【達成】", "　【未達成】" (U+3000 in front)
MARK_LINE = regex.compile(r"^[\s\u3000]*(?P<mark>【(?:達成|未達成)】)[\s\u3000]*$")
# a tag-row token: "【実施】", "【実施】【改善】", "【一部運用開" (cut), "始】", "管理】【移行支援】", "-"
TAG_TOKEN = regex.compile(
    r"^(?:(?:【[^【】]*】)+(?:【[^【】]*)?|【[^【】]*|[^【】\s]*】(?:【[^【】]*】)*(?:【[^【】]*)?|[-－])$")
DASH_TOKEN = regex.compile(r"^[-－]$")
# page footer: "27  　　   ", "100"
PAGE_NUMBER = regex.compile(r"^\d{1,4}[ \u3000]*$")
# "基本方針１：生活の質の向上 ～市民視点の人にやさしいＤＸ～"
POLICY_LINE = regex.compile(r"^基本方針\s*(?P<num>[0-9０-９]+)\s*[：:]\s*(?P<name>.+?)\s*(?P<sub>～.+～)?\s*$")
# "施策➀ 行政手続のオンライン化", "施策② 窓口改革"
MEASURE_HEADING = regex.compile(rf"^施策\s*(?P<num>{CIRCLED_NUMBER.pattern})\s*(?P<name>.+?)\s*$")
# "施策? 行政手続のオンライン化": the same heading whose number glyph was lost (a re-encoded copy)
MEASURE_HEADING_ANY_GLYPH = regex.compile(r"^施策\s*(?P<num>[^\s\d])\s+(?P<name>\S.+?)\s*$")
# overview labels (match keys): "（１）目的・あるべき姿", "（２）事業の方向性", "（３）実施内容" / "実施内容"
OBJECTIVE_LABEL = regex.compile(r"^\(1\)目的・?あるべき姿$")
DIRECTION_LABEL = regex.compile(r"^\(2\)事業の方向性$")
IMPLEMENTATION_LABEL = regex.compile(r"^(?:\(3\))?実施内容$")
# "実現に向けた主なスケジュール（※令和４年度（2022年度）策定時）"
SCHEDULE_CAPTION = regex.compile(r"^実現に向けた主なスケジュール")
# "参考：" / "【参考】" / "（参考）" opening a 参考 (baseline) note of an overview's 備考 column
REFERENCE_NOTE = regex.compile(r"^[【(（]?参考[】)）:：]?")
# "７ 令和6年度（2024年度）の進捗状況"
PROGRESS_HEADING = regex.compile(r"(?P<fy>(?:令和|平成)\s*[0-9０-９元]+\s*年度(?:\s*[（(][0-9０-９]{4}年度[）)])?)の進捗状況")
# progress table column labels (match keys, in the order written)
PROGRESS_COLUMNS = regex.compile(r"目標KPI設定事業件数|設定事業件数|一部未達成|未達成|達成率|達成")
PROGRESS_METRICS = {
    "目標KPI設定事業件数": "initiatives_with_kpi", "設定事業件数": "initiatives_with_kpi",
    "達成": "achieved", "未達成": "not_achieved", "一部未達成": "partially_achieved",
    "達成率": "achievement_rate",
}
# a progress-table cell: "44件", "84.1％"
PROGRESS_CELL = regex.compile(r"^[0-9０-９][0-9０-９,，.．]*(?:件|％|%)$")
# progress-table row label: "（１）生活の質の向上", "合計"
PROGRESS_ROW_LABEL = regex.compile(r"^[（(](?P<num>[0-9０-９]+)[）)]\s*(?P<name>.*)$")
TOTAL_LABEL = "合計"
# "アクションプラン（令和7年度（2025年度）版）"
EDITION = regex.compile(r"アクションプラン[（(](?P<ed>.+?年度.*?)版[）)]")
# 「八王子市デジタル・トランスフォーメーション（ＤＸ）推進計画」
PLAN_NAME = regex.compile(r"「(?P<name>[^「」]*?市[^「」]*?計画)」")
# 【新】 in front of a name, 【見直し】 in front of 事業内容
NEW_PREFIX = regex.compile(r"^【新】\s*")
REVISED_PREFIX = regex.compile(r"^【見直し】\s*")

# 担当 (department) forms: "学務課", "デジタル推進課ほか", "経営計画課・デジタル推進課ほか", "監査事務局",
# "八王子駅南口総合事務所", "ごみ総合相談センター", "こども科学館", "成人保健課 （南大沢保健福祉センター）"
# the words an office's name ends with (a 担当 names one or more offices)
OFFICE_ENDS = ("課", "部", "室", "局", "所", "センター", "館")
DEPT_SUFFIX = rf"(?:{'|'.join(OFFICE_ENDS)})(?:ほか)?"
# never a number: "21か所" (a KPI value whose space a PDF writer turned from U+3000 into ASCII) is no 担当
DEPARTMENT = regex.compile(rf"^(?![0-9０-９])[^\s]+?{DEPT_SUFFIX}(?:\s?[（(][^（）()]*[）)])?$")
# a 担当 cell that is only a bracketed note: "（参考）"
DEPARTMENT_NOTE = regex.compile(r"^[（(][^（）()]+[）)]$")
# how a 担当 (DEPARTMENT or DEPARTMENT_NOTE) can end: a suffix of DEPT_SUFFIX or a closing bracket
DEPARTMENT_ENDS = (*OFFICE_ENDS, "ほか", ")", "）")
# the department part of a wrapped name box: "市民課・事務所" (must name an office: 課 部 室 局 所)
DEPARTMENT_LINE_EVIDENCE = regex.compile(r"[課部室局所]")

# Label of a KPI cell line, for comparing KPIs across years: bullets and digits removed.
LABEL_BULLETS = "・･→〈<＜「"
LABEL_LEAD = regex.compile(rf"^[\s{LABEL_BULLETS}]+")
LABEL_NOISE = regex.compile(r"[0-9.,%]+")
LABEL_CUT = regex.compile(r"[:：\s]")
# a 事業名称 written alone has at least this many characters (a shorter box is a stray word: "構築")
NAME_MIN_CHARS = 4
# a year label opening a text: "令和４年度", "（2022年度）"
YEAR_LED = regex.compile(r"^(?:令和|平成)\s*[0-9０-９元]+\s*年度")
# a box ending mid-phrase continues in the next box: "…手続における", "…の", "…、"
# "＜戸籍情報システム＞" (match key "<戸籍情報システム>"): a sub-heading opening a list of per-system steps
SUB_HEADING = regex.compile(r"^[<〈《][^<>〈〉《》]{1,20}[>〉》]")
OPEN_END = regex.compile(r"(?:[のにをがはとでへや、・た]|及び|並びに|ない|における|による|に係る|に関する|に対する|について)$")
# a box that continues the previous one: "・…" (list item), "→…", "※…", "（…"
CONTINUATION_START = regex.compile(r"^[・･→※（(]")
# a box starting with a particle continues the previous one: "による業務合理化も推進", "を図る"
PARTICLE_START = regex.compile(r"^[のにをがはとでへや]")
# "12" at the start of a grid box (a bare number continuing a label box)
DIGIT_START = regex.compile(r"^(?:[0-9０-９]|前年|約)")
# boxes continuing an overview 参考 note: "※A4用紙換算", "うち年1,000件以上", "（2021年度）"
NOTE_CONTINUATION = regex.compile(r"^[※うち(（]")
# year words removed before looking for a 参考 note's figure: "令和３年度", "2021年度"
YEAR_WORDS = regex.compile(r"(?:令和|平成)\s*[0-9０-９]+\s*年度?|\d{4}年度?")
# one tag: "【実施】"
TAG = regex.compile(r"【[^【】]*】")
# where a KPI label ends: "執務室内文書　７１．３％削減", "先行市調査：国立研究"
KPI_LABEL_END = regex.compile(r"[:：\s0-9]")
# a ・ list item line
LIST_ITEM = regex.compile(r"(?:^|\n)[・･]")
# a box that cannot start a cell: "を配備", "の横展開を検討", "（第1回目）を開催する。", "約100万枚削減"
FRESH_START_NOT = regex.compile(r"^(?:[のにをがはとでへや、。）)」（(0-9０-９]|約)")
