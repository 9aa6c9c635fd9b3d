"""Glossary marks: every ``*`` in the text resolved to a 用語集 entry."""

from __future__ import annotations

from bisect import bisect_right

from planparse.normalize import (
    match_key,
)
from planparse.parsers.hachioji_dx_plan.patterns import (
    _ANY_WORD_RUN,
    _HAN,
    _KATAKANA,
    _LATIN,
    _WORD_RUN,
    BULLET,
    MARK,
    PLAIN_TEXT,
)
from planparse.parsers.hachioji_dx_plan.text import (
    clean_text,
    ends_paragraph,
)
from planparse.schemas.base import IssueLog
from planparse.schemas.hachioji_dx_plan import (
    GlossaryEntry,
    GlossaryMark,
)

# NFKC of the ``PLAIN_TEXT`` characters that are not their own: the full-width ASCII forms (Ａ → A, （ → (;
# never a dash: － is not plain) and the ideographic space; one character for one
_PLAIN_NFKC = {**{code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if code != 0xFF0D}, 0x3000: " "}


def _read_marks(lines: tuple[str, ...], glossary: list[GlossaryEntry], skip: set[int],
                measure_ranges: list[tuple[int, int, str]], log: IssueLog) -> list[GlossaryMark]:
    """Every ``*`` mark, resolved to the longest glossary term (or reading) ending the text before it.

    The text before a mark is this line's text, preceded by the previous non-empty line when that
    line wraps into this one (no paragraph end), so a term split by a wrap (``キャッシュレス決`` /
    ``済 *``) or a mark at a line start resolves. Unresolved marks: ``glossary_mark_unresolved``.
    """
    keys: dict[str, int] = {}
    for g in glossary:
        keys.setdefault(match_key(g.term), g.number)
        if g.reading:
            keys.setdefault(match_key(g.reading), g.number)
    key_starts = {key[:1] for key in keys}
    longest = max((len(g.term) for g in glossary), default=0) + 6
    starts = [r[0] for r in measure_ranges]
    marks: list[GlossaryMark] = []
    for n in [n for n, raw in enumerate(lines, start=1) if "*" in raw or "＊" in raw]:
        if n in skip:
            continue
        raw = lines[n - 1]
        carry = _carry(lines, n, skip)
        seq = 0
        for m in MARK.finditer(raw):
            seq += 1
            context = carry + BULLET.sub("", raw[: m.start()]).rstrip(" \u3000")
            if raw[: m.start()].strip() == "" or m.start() == 0:
                context = carry.rstrip(" \u3000")
            marked, number, word = _resolve(context, keys, key_starts, longest)
            if word:
                log.warning("glossary_mark_partial",
                            f"the * follows {word!r}: only its end {marked!r} is a 用語集 term (項番 {number}); "
                            "the reference is to that entry", n)
            if number is None:
                log.warning("glossary_mark_unresolved",
                            f"the term marked with * ({marked or context[-12:]!r}) matches no 用語集 entry",
                            n)
            i = bisect_right(starts, n) - 1
            code = measure_ranges[i][2] if i >= 0 and n <= measure_ranges[i][1] else None
            marks.append(GlossaryMark(line=n, seq=seq, marked_text=marked, term_number=number,
                                      measure_code=code))
    return marks


def _carry(lines: tuple[str, ...], n: int, skip: set[int]) -> str:
    """The text that line ``n`` (1-based) continues: the previous non-empty line without its bullet, when
    it wraps into line ``n`` (no paragraph end); '' when it ends a paragraph, is a skipped line
    (a 用語集 header or page number) or there is none."""
    for k in range(n - 1, 0, -1):
        before = lines[k - 1]
        if before.strip():
            return "" if k in skip or ends_paragraph(before) else BULLET.sub("", before).strip(" \u3000")
    return ""


def _resolve(context: str, keys: dict[str, int], starts: set[str],
             longest: int) -> tuple[str, int | None, str | None]:
    """``(marked text, 項番, longer word)`` for the longest glossary key that ends ``context``
    (``starts``: the first characters of the keys).

    ``longer word`` is set when the match is only the end of a word (``AI-OCR`` → ``OCR``: the
    character before the match is of the same script, or a hyphen). When no key matches:
    ``(guess, None, None)``, the guess being the run of one script before the mark."""
    best: tuple[str, int] | None = None
    tail = context[-longest:]
    # plain text: the key of an ending is the ending of its NFKC, spaces removed (see ``PLAIN_TEXT``), and
    # starts with the NFKC of its first character: only endings that start as a key does are looked up
    plain = tail.translate(_PLAIN_NFKC) if PLAIN_TEXT.fullmatch(tail) else None
    for k in range(len(tail), 0, -1):   # longest ending first: the first match is the one
        if plain is None:
            if context[-k] in " \u3000":
                continue
            number = keys.get(match_key(context[-k:]))
        elif plain[-k] in starts:   # (an ending that starts with a space is no key: " " is not in starts)
            number = keys.get(plain[-k:].replace(" ", ""))
        else:
            continue
        if number is not None:
            best = (context[-k:], number)
            break
    if best:
        start = len(context) - len(best[0])
        before = context[start - 1] if start > 0 else ""
        word = None
        if before and (before in "-－" or _script(before) == _script(best[0][0]) is not None):
            run = _ANY_WORD_RUN.search(context[:start])
            word = (run.group(0) if run else before) + best[0]
        return clean_text(best[0]), best[1], word
    run = _WORD_RUN.search(context)
    return (run.group(0) if run else ""), None, None


def _script(ch: str) -> str | None:
    """``katakana`` / ``han`` / ``latin`` (ASCII or full-width letters and digits) / None."""
    if _KATAKANA.match(ch):
        return "katakana"
    if _HAN.match(ch):
        return "han"
    if _LATIN.match(ch):
        return "latin"
    return None
