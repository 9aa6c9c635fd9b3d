"""Table cells and wrapped lines of Japanese plan text: department lists, line-wrap joining,
markup removal (split from ``normalize``, which re-exports every public name here).

Public functions (all pure): ``split_departments``, ``join_wrapped``, ``strip_markup``,
``split_html_list``, ``clean_cell``.
"""

from __future__ import annotations

import string
from collections.abc import Iterable

from planparse.memo import LazyPattern, _memo, _memo_list

__all__ = ["clean_cell", "join_wrapped", "split_departments", "split_html_list", "strip_markup"]

# --------------------------------------------------------------------------------------------
# Departments
# --------------------------------------------------------------------------------------------

_OPEN = "（(［[【「『〔"
_CLOSE = "）)］]】」』〕"


@_memo_list
def split_departments(text: str, separators: str = "、") -> list[str]:
    """Split a department list into names, lead first, ignoring separators inside brackets.

    Input: the cell as written, e.g. ``"企画調整課（令和5年度まで）、子ども子育て支援課"``.
    ``separators``: the characters that separate departments in this format (``"、"`` by
    default; ``"、・"`` where ・ joins departments; include ``" "`` where spaces do). A space
    that comes right before an opening bracket never splits (``"成人保健課 （南大沢保健福祉センター）"``
    stays one name). Output: the stripped, non-empty names in order. Never raises.
    """
    names: list[str] = []
    depth = 0
    buf: list[str] = []
    spaces = " \u3000" if " " in separators or "\u3000" in separators else ""
    seps = separators + spaces
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        if depth == 0 and ch in seps:
            if ch in spaces:
                rest = text[i + 1:].lstrip(" \u3000")
                if rest[:1] in _OPEN or not "".join(buf).strip():
                    buf.append(ch)
                    continue
            names.append("".join(buf).strip(" \u3000"))
            buf = []
            continue
        buf.append(ch)
    names.append("".join(buf).strip(" \u3000"))
    return [n for n in names if n]


# --------------------------------------------------------------------------------------------
# Line wraps and markup
# --------------------------------------------------------------------------------------------

# the characters that end / start Latin text across a wrap ("Society" + "5.0"): A-Z a-z 0-9 and these
_ASCII_WORD_END = frozenset(string.ascii_letters + string.digits + ".,;:!?%)]")
_ASCII_WORD_START = frozenset(string.ascii_letters + string.digits + "([")


def join_wrapped(lines: Iterable[str]) -> str:
    """Join lines that a PDF wrapped, without inserting spaces between Japanese characters.

    Input: the physical lines of one logical text. Each line is stripped (leading page-start
    spaces, trailing spaces, U+3000 at both ends); empty lines are skipped. A single ASCII space
    is inserted only where both sides are Latin text (``"Society"`` + ``"5.0"``). Output: one
    string. Never raises.
    """
    out = ""
    for raw in lines:
        line = raw.strip(" \t\u3000\r")
        if not line:
            continue
        # Latin on both sides: the last character of ``out`` (before a final newline), the first of ``line``
        if out and line[0] in _ASCII_WORD_START \
                and (out[-2:-1] if out.endswith("\n") else out[-1]) in _ASCII_WORD_END:
            out += " "
        out += line
    return out


# <ul style="list-style-type: none">, <b>, </p>, <br>, ... (Markdown converted from PDF)
HTML_TAG = LazyPattern(r"</?[A-Za-z][^<>]*>")
# **bold** markers
BOLD = LazyPattern(r"\*\*")
# <ul …> opening a list cell (Musashino: items follow, separated by single spaces)
HTML_LIST_OPEN = LazyPattern(r"^\s*<ul\b[^>]*>\s*")


def strip_markup(text: str) -> str:
    """Remove HTML tags (``<b>``, ``<p …>``, ``<ul …>``) and ``**`` bold markers; trim the ends.

    Inner text is kept as written (no NFKC). Never raises.
    """
    if "<" not in text and "**" not in text:  # no tag, no bold marker: nothing to remove
        return text.strip()
    return BOLD.sub("", HTML_TAG.sub("", text)).strip()


def split_html_list(cell: str) -> list[str] | None:
    """Split a converted list cell ``<ul …> item item …`` into its items.

    Returns None when the cell does not start with ``<ul``. Items are separated by single ASCII
    spaces in this markup (the PDF converter dropped ``<li>``); bullet glyphs (・, ○) are kept.
    Never raises.
    """
    m = HTML_LIST_OPEN.match(cell)
    if not m:
        return None
    body = strip_markup(cell[m.end():])
    return [item for item in body.split(" ") if item.strip()]


_INNER_SPACES = LazyPattern(r"[ \t]{2,}")


@_memo
def clean_cell(text: str | None) -> str | None:
    """Trim a table cell: strip markup and surrounding whitespace; empty → None.

    Inner spaces are kept (they often stand for line breaks); runs of 2+ ASCII spaces or tabs
    become one space. Line breaks inside a cell (PDF tables wrap long cells) are joined with
    ``join_wrapped``. Never raises.
    """
    if text is None:
        return None
    s = strip_markup(text)
    if "\n" in s:
        s = join_wrapped(s.split("\n"))
    if "  " in s or "\t" in s:  # a run of two spaces or tabs has one or the other
        s = _INNER_SPACES.sub(" ", s)
    s = s.strip(" \t\u3000")
    return s or None
