"""Content lines and joining: widths (full-width = 2), wraps, paragraphs; printed page numbers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

from planparse.normalize import (
    join_wrapped,
    match_key,
    to_int,
)
from planparse.parsers.akishima_midterm_report.patterns import (
    _INNER_BULLET,
    _NO_LINE_START,
    _NOT_WIDE_RUN,
    _NOT_WIDE_RUN_BUT_NEWLINE,
    _SPACES,
    BULLET,
    NARROW_MAX,
)


def display_width(text: str) -> int:
    """Width of ``text`` in half-width units: East Asian wide, full-width and ambiguous characters
    (漢字, かな, ・, ○, △, ×) count 2, others 1. Used to tell wide cells from narrow ones."""
    return len(text) + len(_NOT_WIDE_RUN.sub("", text))  # one string of the wide ones: 3× faster than findall


def display_widths(texts: list[str]) -> list[int]:
    """``display_width`` of each of ``texts``, by one pattern pass over them all (joined by newlines,
    which the pattern keeps as separators): twice as fast for a document's lines as one call each."""
    wide = _NOT_WIDE_RUN_BUT_NEWLINE.sub("", "\n".join(texts)).split("\n")
    if len(wide) != len(texts):   # a text with a newline of its own: one by one
        return [display_width(t) for t in texts]
    return [len(t) + len(w) for t, w in zip(texts, wide, strict=True)]


class _Line(NamedTuple):
    """A content line: 1-based ``no``, text without surrounding whitespace (inner runs of spaces
    kept), its ``width`` and its ``key`` (``match_key``: how the steps compare a line with labels);
    ``filler`` for a whitespace-only line (an empty cell or drawing: no text, width 0, key "").
    Immutable (a named tuple: one is built per line of the document, 4× faster than a frozen
    dataclass); the key is computed once, when the line is made (every content line is compared
    with the labels), so reading it is an attribute access. ``piece`` makes one of a cut text."""

    no: int
    text: str
    width: int
    key: str
    filler: bool = False


def piece(no: int, text: str) -> _Line:
    """A content line of ``text`` cut out of line ``no`` (a bullet or a cell of a shared line):
    its width and key are those of ``text``."""
    return _Line(no, text, display_width(text), match_key(text))


def _page_number_context(raw: Sequence[str], no: int) -> bool:
    """Whether the page-number line ``no`` (1-based) stands where a printed page number does: after
    two blank lines, right before a whitespace-only page-start line (``16`` / ``" "``), or alone in
    its box (empty lines around it: a PDF that draws no whitespace-only boxes)."""
    after_blanks = no >= 3 and not raw[no - 2].strip() and not raw[no - 3].strip()
    nxt = raw[no] if no < len(raw) else ""
    alone = (no < 2 or not raw[no - 2].strip()) and not nxt.strip()
    return after_blanks or (nxt != "" and not nxt.strip()) or alone


def _ascii_no(text: str) -> str:
    """ASCII digits of a number written with full-width or ASCII digits ("１０" → "10")."""
    n = to_int(text)
    return str(n) if n is not None else text.strip()


def _clean(text: str) -> str:
    """``text`` without surrounding spaces (ASCII, tab, U+3000), inner runs of them as one space."""
    text = text.strip(" \t\u3000")
    if "  " in text or "\t" in text or "\u3000" in text:   # else no run of two to collapse
        text = _SPACES.sub(" ", text)
    return text


# ---------------------------------------------------------------------------------------------
# Joining lines
# ---------------------------------------------------------------------------------------------


def _bullet_split(lines: Sequence[_Line]) -> list[_Line]:
    """Split a line holding two bullets (``・A  ・B``) into two lines (same line number)."""
    out: list[_Line] = []
    for ln in lines:
        # (another bullet after the first is needed: the pattern is tried only on a line that has one)
        if ln.text.startswith(BULLET) and ln.text.find(BULLET, 1) > 0 and _INNER_BULLET.search(ln.text):
            for part in _INNER_BULLET.split(ln.text):
                if part.strip():
                    out.append(piece(ln.no, _clean(part)))
        else:
            out.append(ln)
    return out


def _is_wrapped(prev: _Line, nxt: _Line, full: int | None, in_bullet: bool) -> bool:
    """True when ``nxt`` continues ``prev`` (a line wrap), False when it starts a new paragraph
    or item. ``full`` is the usual width of a full line of this kind of cell (None: unknown,
    only bullets start new lines).

    Rules: a bullet starts a new item; a line at most half a character short of ``full`` is
    wrapped; a shorter line ending with 。 ends its paragraph; up to two characters short a line
    is wrapped when the next line starts with a character pushed out by the kinsoku rule
    (``た。``) or, outside a bullet item, always (Latin letters and digits are narrower than
    counted); a shorter line ends its paragraph or item."""
    if nxt.text.startswith(BULLET):
        return False
    if full is None:
        return True
    if prev.width >= full - 1:
        return True
    if prev.text.endswith("。"):
        return False
    if prev.width >= full - 4:
        return nxt.text[1:2] in _NO_LINE_START or not in_bullet
    return False


def _join(lines: Sequence[_Line], full: int | None) -> str | None:
    """Join the lines of one cell: wraps are joined (no space between Japanese characters, one
    between Latin words), a new paragraph or item starts a new line (``\\n``). None when empty."""
    content = _bullet_split([ln for ln in lines if not ln.filler and ln.text])
    if not content:
        return None
    paragraphs: list[list[str]] = [[content[0].text]]   # the lines of each paragraph, joined once at the end
    in_bullet = content[0].text.startswith(BULLET)
    for prev, ln in pairwise(content):
        if _is_wrapped(prev, ln, full, in_bullet):
            paragraphs[-1].append(ln.text)
        else:
            paragraphs.append([ln.text])
            in_bullet = ln.text.startswith(BULLET)
    return "\n".join(p[0] if len(p) == 1 else join_wrapped(p) for p in paragraphs)


def _sources(lines: Sequence[_Line]) -> list[tuple[int, str]]:
    """(line number, text) of a cell's content lines, for provenance of what is parsed out of it."""
    return [(ln.no, ln.text) for ln in lines if not ln.filler and ln.text]


def _usual_width(lines: Sequence[_Line]) -> int | None:
    """The most frequent width among the wide lines (wider than ``NARROW_MAX``) of a kind of cell:
    the width of a full line. None when there are no wide lines."""
    counts = Counter(ln.width for ln in lines if not ln.filler and ln.width > NARROW_MAX)
    if not counts:
        return None
    return max(counts, key=lambda w: (counts[w], w))


def _narrow_usual_width(lines: Sequence[_Line]) -> int:
    """The most frequent width of narrow-cell lines (16 = 8 full-width characters in this layout)."""
    counts = Counter(ln.width for ln in lines if not ln.filler and ln.width <= NARROW_MAX)
    return max(counts, key=lambda w: (counts[w], w)) if counts else 16
