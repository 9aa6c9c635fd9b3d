"""Before reading: make a PDF's text give the signals the rules read, whatever wrote the PDF.

The rules of this parser read two layout signals of the text: the trailing space the extractor
leaves at the end of a paragraph (a wrapped line has none) and the line that starts a page. Another
PDF of the same document (another writer, fonts or line spacing) may lack the first and move
printed page numbers elsewhere. ``prepare_lines`` runs once, before everything else:

* a printed page number standing alone in its box (``86``, ``- 12 -``, ``－12－``, ``12/120``) becomes
  an empty line (its number is kept: ``source_line`` still points into the document);
* when (almost) no line ends with a space, the paragraph ends are inferred: a line ending a
  sentence (``。``, also before a closing bracket) gets the trailing space it would have had, with
  one ``paragraph_ends_inferred`` warning.

Line numbers never change: the output has as many lines as the input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

import regex

from planparse.schemas.base import IssueLog

__all__ = ["PAGE_NUMBER", "PAGE_NUMBER_END", "guarded", "is_page_number", "page_starts_marked", "prepare_lines"]

T = TypeVar("T")

# "86 " / "- 12 -" / "－12－" / "― 12 ―" / "12/120" / "P.12": a printed page number on a line of its own
PAGE_NUMBER = regex.compile(r"^\s*(?:[-－‐―—–]\s*)?(?:[pP]\.?\s*)?[0-9０-９]{1,3}(?:\s*/\s*[0-9]{1,3})?(?:\s*[-－‐―—–])?\s*$")
# the last character of a PAGE_NUMBER line before its trailing spaces: a line ending otherwise is not tried
PAGE_NUMBER_END = frozenset("0123456789０１２３４５６７８９-－‐―—–")
# "…しています。" / "…しています。）" / "…です。」": a line that ends a sentence
SENTENCE_END = regex.compile(r"。[）」』)]*[ \u3000]*$")

MIN_TRAILING_SHARE = 0.02
"""Below this share of content lines ending with a space, the document is taken to have lost the
paragraph-end mark (the seed has ~27%)."""


MIN_LEADING_SHARE = 0.01
"""Below this share of content lines marked as page starts, the document is taken to have lost the
page-start mark (the seed has ~4%)."""


# a line break, a space and a character other than a space, U+3000 or a line break (``page_starts_marked``)
_SPACE_AFTER_BREAK = re.compile(r"\n [^ \u3000\n]")


def page_starts_marked(lines: tuple[str, ...], log: IssueLog) -> bool:
    """Whether the text marks page starts (a leading space on a line right after a non-empty line: the
    extractor's mark, which the rules read). When (almost) no line does (a PDF writer that trims its
    strings, or draws a page's first line as a box of its own), False, with
    one ``page_starts_unmarked`` warning: the rules then fall back on paragraph ends."""
    content = len(lines) - sum(map(str.isspace, lines)) - lines.count("")  # the lines that are not blank
    # the mark: one space before the text of a line that continues the box of the line before it (a
    # page's first line printed right after the previous page's last one): in the text, a line break
    # after a line that is not empty, then a space and a character other than a space or U+3000
    text = "\n".join(lines)
    leading = sum(1 for m in _SPACE_AFTER_BREAK.finditer(text) if m.start() and text[m.start() - 1] != "\n")
    if content and leading / content < MIN_LEADING_SHARE:
        log.warning("page_starts_unmarked",
                    f"only {leading} of {content} lines start a page the extractor's way (a space, right after a "
                    "line of the page before): "
                    "the 目的・あるべき姿 box is ended at its first paragraph end and the 用語集 at the first finished "
                    "entry with no next entry after it")
        return False
    return True


def is_page_number(lines: tuple[str, ...], n: int) -> bool:
    """Whether line ``n`` (1-based) is a printed page number: the page-number shape, alone in its
    box (the lines before and after it are empty or whitespace-only, or it is the first / last)."""
    raw = lines[n - 1]
    if raw.rstrip()[-1:] not in PAGE_NUMBER_END or not PAGE_NUMBER.match(raw) or not raw.strip():
        return False
    before = lines[n - 2] if n >= 2 else ""
    after = lines[n] if n < len(lines) else ""
    return not before.strip() and not after.strip()


def prepare_lines(lines: tuple[str, ...], log: IssueLog) -> tuple[str, ...]:
    """The document's lines with page numbers blanked and paragraph ends restored (see the module
    docstring). Input and output: 1-based numbering kept (same length). Never raises."""
    # (is_page_number's first test, on the line's end, is made here too: it spares the call on most lines)
    out = ["" if raw.rstrip()[-1:] in PAGE_NUMBER_END and is_page_number(lines, n) else raw
           for n, raw in enumerate(lines, start=1)]
    content = [raw for raw in out if raw.strip()]
    trailing = sum(1 for raw in content if raw.endswith((" ", "\u3000")))
    if content and trailing / len(content) < MIN_TRAILING_SHARE:
        restored = 0
        for i, raw in enumerate(out):
            if raw.strip() and SENTENCE_END.search(raw) and not raw.endswith((" ", "\u3000")):
                out[i] = raw + " "
                restored += 1
        log.warning("paragraph_ends_inferred",
                    f"only {trailing} of {len(content)} lines end with a space (the extractor's paragraph-end "
                    f"mark): this PDF's text lacks it, so the {restored} lines ending a sentence (。) were taken "
                    "as paragraph ends")
    return tuple(out)


def guarded(log: IssueLog, code: str, what: str, step: Callable[[], T], default: T, line: int | None = None) -> T:
    """Run one step of the parse; an exception in it becomes an ``error`` issue ``code`` naming
    ``what`` (the record or part that could not be read) and ``default`` is returned, so that one
    unreadable record or part costs only itself (issue 10). Never raises an ``Exception``."""
    try:
        return step()
    except Exception as exc:
        log.error(code, f"{what} could not be read ({type(exc).__name__}: {exc}); left out, the rest is kept", line)
        return default
