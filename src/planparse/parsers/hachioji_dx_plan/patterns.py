"""Patterns and label keys of the DX plan (each with a source line it matches)."""

from __future__ import annotations

import re

import regex

# (the municipality and the detection markers are in ``markers``)

# " ５章 各基本方針における主な施策 " (chapter heading)
CHAPTER_HEADING = regex.compile(r"^\s?(?P<num>[0-9０-９]{1,2})章\s+(?P<title>\S.*?)\s*$")
# "基本方針１ 生活の質の向上 " / " 基本方針２ 地域課題の解消 " (chapter-5 title page)
POLICY_HEADER = regex.compile(r"^\s?基本方針\s*(?P<num>[0-9０-９]{1,2})\s+(?P<title>\S.{0,39}?)\s*$")
# "～市民視点の人にやさしいDX～ " (the subtitle line after a POLICY_HEADER)
SUBTITLE = regex.compile(r"^\s?(?P<subtitle>[～〜].*[～〜])\s*$")
# "生活の質の向上 ～市民視点の人にやさしいDX～": a header title that carries its subtitle on the same line
TITLE_WITH_SUBTITLE = regex.compile(r"^(?P<title>[^～〜]+?)\s*(?P<subtitle>[～〜].*[～〜])$")
# "(1)  生活の質の向上 ～市民視点の人にやさしいDX～ " (chapter 4)
CHAPTER4_POLICY = regex.compile(
    r"^\s?[(（](?P<num>[0-9０-９]{1,2})[)）]\s*(?P<title>[^～〜\s][^～〜]*?)\s*(?P<subtitle>[～〜].*[～〜])\s*$")
# " 施策① 行政手続のオンライン化 " / " 施策③ マイナンバーカード*の利活用推進 "
# (a space after the number and a short name: a body sentence "施策①の…" is not a header)
MEASURE_HEADER = regex.compile(r"^\s?施策\s*(?P<num>[\u2460-\u2473\u2780-\u2793])\s+(?P<name>\S.{0,39}?)\s*$")
# "現状   本市では、…" (a section label whose bullet glyph was lost: the label, spaces, the item's text)
LABEL_WORD_STARTS = ("現状", "背景", "事業の方向性")
"""The section labels ``LABEL_WORDS`` reads (at the line's first or second character)."""
LABEL_WORDS = regex.compile(rf"^\s?(?P<label>{'|'.join(LABEL_WORD_STARTS)})(?:[ \u3000]+(?P<rest>\S.*)|[ \u3000]*)$")
# "【図】５Gの特徴" / "出典：「…」" / "https://…" / "※…": how a figure's caption or credit starts
FIGURE_START = regex.compile(r"^(?:【|出典|https?:|※|注[:：])")
MIN_PROSE_CHARS = 12
"""Shortest line read as prose when its bullet glyph is missing (figure labels such as ``平成27年`` are shorter)."""
# Symbol/Wingdings bullets the PDF extractor leaves as private-use glyphs: "\uf09f  本市では、…"
BULLET = regex.compile(r"^\s?[\uf06c\uf09e\uf09f\uf0a7\uf0b7\uf0d8\uf0fc][ \u3000]*")
# the same glyphs anywhere in a line: "現状 \uf09f  本市では、…" (label, then the first bullet)
# (plain characters: the standard library's ``re`` searches them in half the time of ``regex``)
BULLET_GLYPH = re.compile(r"[\uf06c\uf09e\uf09f\uf0a7\uf0b7\uf0d8\uf0fc]")
# "1  ＡＩ Artificial Intelligenceの略で、…" / "38  サイバーシルクロード" (glossary entry line)
GLOSSARY_ENTRY = regex.compile(r"^(?P<num>\d{1,3})(?P<sep>[ \u3000]+)(?P<rest>\S.*)$")
# "【フェイスブック】 " (a term's reading: kana only)
READING = regex.compile(r"^\s?【(?P<reading>[\p{Katakana}\p{Hiragana}ー・ 　]+)】[ \u3000]*")
MAX_NUMBER_GAP = 5
"""A 用語集 項番 this far past the highest one read still counts as a next entry (a few lost lines)."""
MAX_HEADING_CHARS = 20
"""Longest line taken for the heading of the section after the 用語集 (`` 参考資料``)."""
MAX_TERM_WRAP = 10
"""Longest second line of a wrapped glossary term (``サービスデザイン思`` + ``考``; the seed's longest is 3)."""
# "5.0" in "Society 5.0": a version number that belongs to the term before it
VERSION_TOKEN = regex.compile(r"^[0-9０-９]+(?:[.．][0-9０-９]+)*$")
# the space that ends a term (ASCII or U+3000)
TERM_SPACE = regex.compile(r"[ \u3000]+")
# glossary mark after a term: "ＩＣＴ *に関する", "AI*・RPA*"
MARK = regex.compile(r"[*＊]")
# 「八王子市デジタル・トランスフォーメーション（ＤＸ）推進計画」（以下「本計画」という。） (on joined text)
SELF_NAME = regex.compile(r"「(?P<title>[^「」]{2,80})」[（(]以下「本計画」という")
# "以下の３つの基本方針を定め" (on joined text): the number of policies the plan states
POLICY_COUNT = regex.compile(r"以下の(?P<n>[0-9０-９]{1,2})つの基本方針")
# "…までの４年間とします。" (on the 計画期間 paragraph)
PERIOD_YEARS = regex.compile(r"(?P<n>[0-9０-９]{1,2})年間")
# the municipality at the start of the plan's name: "八王子市デジタル…" → 八王子市
MUNICIPALITY_PREFIX = regex.compile(r"^(?P<name>\S+?[市区町村])")

# Match keys of labels
GLOSSARY_TITLE_KEY = "用語集"            # " 用語集 " (the chapter title, on the table's first page)
GLOSSARY_TITLE_REACH = 120
"""Lines between the 用語集 title and the first table header it may stand (a page of the seed is ~50)."""
GLOSSARY_HEADER_KEY = "項番用語説明"      # "項番 用 語 説 明 "
OBJECTIVE_KEY = "目的・あるべき姿"         # " 目的・あるべき姿 "
ICON_KEY = "自治体DX"                     # text of the 自治体DX推進計画 icon, were it extracted
LEGEND_KEY = "アイコン"                   # "…には、表の右上に以下のアイコンを配置しています。"

# Spacing artefacts of the PDF text: an ASCII space between two non-ASCII characters
# ("令和３年度（2021年度 ）", "各 業 務"), spaces before a glossary mark ("ＩＣＴ *"), runs of spaces.
_SPACE_BETWEEN_WIDE = regex.compile(r"(?<=[^\x00-\x7f])[ ]+(?=[^\x00-\x7f])")
_SPACE_BEFORE_MARK = regex.compile(r"[ ]+(?=[*＊])")
_SPACE_RUN = regex.compile(r"[ ]{2,}")
_ASCII_ALNUM_END = regex.compile(r"[A-Za-z0-9]$")
_ASCII_ALNUM_START = regex.compile(r"^[A-Za-z0-9]")
# fallback extent of an unresolved mark: the run of one script before the *
_WORD_RUN = regex.compile(r"(?:[\p{Katakana}ー・]+|\p{Han}+|[A-Za-z0-9Ａ-Ｚａ-ｚ０-９.．\-－]+)$")
# the word a partial match ends ("AI-" before "OCR", "官民連携データ" before "プラットフォーム")
_ANY_WORD_RUN = regex.compile(r"[\p{Katakana}ー\p{Han}A-Za-z0-9Ａ-Ｚａ-ｚ０-９\-－.]+$")
# "キャッシュレス決済", "ＩＣＴ", "Society 5.0": text whose ``match_key`` is the NFKC of each character with the
# spaces removed: ASCII and its full-width forms but the dash (which match_key may fold), spaces, CJK
# punctuation and brackets, kana, ・ and ー, unified ideographs. Each is NFKC-stable (or a full-width form of
# ASCII), never composes with a neighbour and has no combining class
PLAIN_TEXT = regex.compile(r"[ !-,.-~\u3000-\u3011\u3041-\u3096\u30a1-\u30fc\u4e00-\u9fff\uff01-\uff0c\uff0e-\uff5e]*")
_KATAKANA = regex.compile(r"[\p{Katakana}ー]")
_HAN = regex.compile(r"\p{Han}")
_LATIN = regex.compile(r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]")
