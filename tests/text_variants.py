"""What a different PDF of the same document gives, simulated on the seed text.

The seed texts are one PDF's layout analysis; another PDF of the same document (other fonts, line
spacing, page size, PDF writer) gives text of the same shape that differs in ways that are
layout, not content. Each function here applies one such difference to a seed text and returns
the new text; the parsers must give the same records from it (``tests/test_prose_variants.py``).

* ``no_blank_boxes``: whitespace-only lines (empty cells, drawing objects) are gone: a PDF writer
  that does not draw a space-only string leaves no box;
* ``no_trailing_spaces``: no line ends with a space (a paragraph's end is no longer marked);
* ``no_leading_spaces``: no line starts with a space (the page-start mark is gone);
* ``lost_glyphs``: private-use glyphs (the DX plan's Wingdings bullets U+F09F …) come back as
  nothing (a font without a ToUnicode entry for them);
* ``split_boxes``: every page-start line that continued the previous page's last box is a box of
  its own (a page break between them), and every ``every``-th multi-line box is split after its
  first line (other line spacing); ``every_line_a_box``: every multi-line box split so;
* ``merge_boxes``: every ``every``-th pair of neighbouring text boxes is one box (tighter spacing);
  ``merge_all_boxes``: all of them;
* ``collapse_spaces``: runs of spaces inside a line are one space;
* ``page_numbers``: a printed page number (``- N -`` or ``N``) as a box of its own at every page
  start (the footer of the page before);
* ``reorder_pages``: on every page, the boxes between two given labels are moved (see the
  function).

A page start is the seed's: a line that starts with a space right after a non-empty line.
Every function is pure and deterministic (no randomness), never raises on any text.
"""

from __future__ import annotations

from collections.abc import Callable

import regex

__all__ = [
    "VARIANTS",
    "collapse_spaces",
    "combined",
    "lost_glyphs",
    "merge_boxes",
    "move_blocks",
    "no_blank_boxes",
    "no_leading_spaces",
    "no_trailing_spaces",
    "page_numbers",
    "split_boxes",
]

_PRIVATE_USE = regex.compile(r"[\ue000-\uf8ff]")
_SPACE_RUN = regex.compile(r"[ ]{2,}")


def _blocks(lines: list[str]) -> list[list[str]]:
    """Runs of non-empty lines (a text box each), in order."""
    out: list[list[str]] = [[]]
    for line in lines:
        if line == "":
            if out[-1]:
                out.append([])
        else:
            out[-1].append(line)
    return [b for b in out if b]


def _text(blocks: list[list[str]]) -> str:
    return "\n\n".join("\n".join(b) for b in blocks) + "\n"


def _page_starts(lines: list[str]) -> set[int]:
    """0-based indexes of the seed's page-start lines."""
    return {i for i in range(1, len(lines)) if lines[i][:1] == " " and lines[i].strip() and lines[i - 1] != ""}


def no_blank_boxes(text: str) -> str:
    """Drop every whitespace-only line (and the empty line after it)."""
    return _text([[ln for ln in b if ln.strip()] for b in _blocks(text.split("\n")) if any(ln.strip() for ln in b)])


def no_trailing_spaces(text: str) -> str:
    """Strip the trailing spaces (ASCII and U+3000) of every line; whitespace-only lines become
    ``" "`` (a box still drawn, but no longer ending its text with a space)."""
    return "\n".join(ln.rstrip(" \u3000") or (" " if ln else "") for ln in text.split("\n"))


def no_leading_spaces(text: str) -> str:
    """Strip the leading spaces (ASCII and U+3000) of every line with text (a PDF writer that trims the
    strings it draws: the page-start mark is gone)."""
    return "\n".join(ln.lstrip(" \u3000") if ln.strip() else ln for ln in text.split("\n"))


def lost_glyphs(text: str) -> str:
    """Remove every private-use character (U+E000–U+F8FF)."""
    return _PRIVATE_USE.sub("", text)


def split_boxes(text: str, every: int = 3) -> str:
    """Break every box at its page-start lines, and split every ``every``-th box of two or more
    lines after its first line."""
    lines = text.split("\n")
    starts = _page_starts(lines)
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in starts:
            out.append("")
        out.append(line)
    blocks = _blocks(out)
    result: list[list[str]] = []
    multi = 0
    for b in blocks:
        if len(b) >= 2:
            multi += 1
            if multi % every == 0:
                result.extend([b[:1], b[1:]])
                continue
        result.append(b)
    return _text(result)


def merge_boxes(text: str, every: int = 4) -> str:
    """Join every ``every``-th box with the box after it (no empty line between them); boxes made
    of a whitespace-only line are left alone."""
    blocks = _blocks(text.split("\n"))
    result: list[list[str]] = []
    count = 0
    for b in blocks:
        if result and result[-1] and all(ln.strip() for ln in b) and all(ln.strip() for ln in result[-1]):
            count += 1
            if count % every == 0:
                result[-1] = result[-1] + b
                continue
        result.append(b)
    return _text(result)


def page_numbers(text: str, style: str = "- {n} -") -> str:
    """Insert a page number box (``style`` with ``{n}`` = 2, 3 …) before every page-start line."""
    lines = text.split("\n")
    starts = _page_starts(lines)
    out: list[str] = []
    n = 1
    for i, line in enumerate(lines):
        if i in starts:
            n += 1
            out.extend(["", style.format(n=n), ""])
        out.append(line)
    return "\n".join(out)


def collapse_spaces(text: str) -> str:
    """Runs of spaces inside a line become one space (another writer's word spacing); a leading space
    stays one space."""
    out = []
    for ln in text.split("\n"):
        if ln.strip():
            lead = " " if ln[:1] == " " else ""
            ln = lead + _SPACE_RUN.sub(" ", ln.lstrip(" "))
        out.append(ln)
    return "\n".join(out)


def combined(text: str) -> str:
    """All differences at once: what a PDF written by another tool may well give."""
    return lost_glyphs(no_leading_spaces(no_trailing_spaces(no_blank_boxes(
        page_numbers(split_boxes(merge_boxes(text)), "{n}")))))


VARIANTS: dict[str, Callable[[str], str]] = {
    "no_blank_boxes": no_blank_boxes,
    "no_trailing_spaces": no_trailing_spaces,
    "no_leading_spaces": no_leading_spaces,
    "lost_glyphs": lost_glyphs,
    "split_boxes": split_boxes,
    "every_line_a_box": lambda text: split_boxes(text, every=1),
    "merge_boxes": merge_boxes,
    "merge_all_boxes": lambda text: merge_boxes(text, every=1),
    "collapse_spaces": collapse_spaces,
    "page_numbers": page_numbers,
    "combined": combined,
}


def move_blocks(text: str, region: Callable[[str], bool], start: Callable[[str], bool],
                stop: Callable[[str], bool], before: Callable[[str], bool]) -> str:
    """Reorder boxes inside each region: the run of boxes from the first whose first line satisfies
    ``start`` up to (not including) the next one satisfying ``stop`` is moved in front of the first
    box satisfying ``before`` (searched from the region's start). A region starts at a box whose
    first line satisfies ``region``; nothing moves where a box is missing."""
    blocks = _blocks(text.split("\n"))
    regions: list[list[list[str]]] = [[]]
    for b in blocks:
        if region(b[0]):
            regions.append([])
        regions[-1].append(b)
    out: list[list[str]] = []
    for part in regions:
        i = next((k for k, b in enumerate(part) if start(b[0])), None)
        if i is not None:
            j = next((k for k in range(i + 1, len(part)) if stop(part[k][0])), len(part))
            run, rest = part[i:j], part[:i] + part[j:]
            t = next((k for k, b in enumerate(rest) if before(b[0])), None)
            if t is not None and t <= i:
                part = rest[:t] + run + rest[t:]
        out.extend(part)
    return _text(out)
