"""Text helpers: spacing artefacts, paragraph ends, page starts, section and box labels."""

from __future__ import annotations

from planparse.normalize import (
    join_wrapped,
    match_key,
)
from planparse.parsers.hachioji_dx_plan.patterns import (
    _ASCII_ALNUM_END,
    _ASCII_ALNUM_START,
    _SPACE_BEFORE_MARK,
    _SPACE_BETWEEN_WIDE,
    _SPACE_RUN,
    BULLET_GLYPH,
    LABEL_WORD_STARTS,
    LABEL_WORDS,
    OBJECTIVE_KEY,
)
from planparse.parsers.hachioji_dx_plan.prepare import SENTENCE_END
from planparse.schemas.hachioji_dx_plan import (
    SECTION_LABELS,
)


def clean_text(text: str) -> str:
    """Remove the PDF's spacing artefacts from joined text, keeping every glyph.

    Input: text as joined from lines. Output: the same text without ASCII spaces between two
    non-ASCII characters (``（2021年度 ）`` → ``（2021年度）``), without spaces before a glossary
    mark (``ＩＣＴ *`` → ``ＩＣＴ*``), with runs of spaces collapsed, trimmed. Spaces next to ASCII
    text (``Society 5.0``, ``市民の QOL``) stay. No NFKC. Never raises.
    """
    if " " in text:   # (each pattern removes or collapses ASCII spaces: without one there is nothing to do)
        if "*" in text or "＊" in text:
            text = _SPACE_BEFORE_MARK.sub("", text)
        text = _SPACE_BETWEEN_WIDE.sub("", text)
        if "  " in text:
            text = _SPACE_RUN.sub(" ", text)
    return text.strip(" \u3000")


def ends_paragraph(raw: str, next_raw: str | None = None) -> bool:
    """True when the raw line ``raw`` ends a paragraph: the extractor leaves a trailing space at a
    paragraph's (or cell line's) end and none at a wrap. A trailing space between two ASCII words
    (``Microsoft `` + ``Teams``) is a wrap at a word space, not a paragraph end."""
    if not raw.endswith((" ", "\u3000")):
        return False
    if next_raw is not None and _ASCII_ALNUM_END.search(raw.rstrip()) and _ASCII_ALNUM_START.match(
            next_raw.strip()):
        return False
    return True


def split_paragraphs(raws: list[str]) -> list[str]:
    """Join raw lines into cleaned paragraphs (see ``ends_paragraph``); empty lines are ignored.

    Input: raw lines of one text (a definition, a policy's prose). Output: the paragraphs, each
    wrapped line joined (``join_wrapped``) and cleaned (``clean_text``). Never raises.
    """
    content = [r for r in raws if r.strip()]
    paragraphs: list[str] = []
    current: list[str] = []
    for i, raw in enumerate(content):
        current.append(raw)
        if ends_paragraph(raw, content[i + 1] if i + 1 < len(content) else None):
            paragraphs.append(clean_text(join_wrapped(current)))
            current = []
    if current:
        paragraphs.append(clean_text(join_wrapped(current)))
    return [p for p in paragraphs if p]


def _is_page_start(lines: tuple[str, ...], n: int) -> bool:
    """A page's first line starts with a space and follows a non-empty line (``n`` is 1-based)."""
    raw = lines[n - 1]
    return raw[:1] == " " and bool(raw.strip()) and (n == 1 or lines[n - 2] != "")


def _is_indented(lines: tuple[str, ...], n: int) -> bool:
    """Line ``n`` (1-based) starts with a space: a page start, or (after an empty line) a page start
    whose box was split from the previous page's last line by another PDF, or an indent."""
    raw = lines[n - 1]
    return raw[:1] in (" ", "\u3000") and bool(raw.strip())


def ends_sentence(raw: str) -> bool:
    """The line ends a sentence (``。``, also before a closing bracket), trailing spaces aside."""
    return SENTENCE_END.search(raw) is not None


def _section_label(raw: str) -> tuple[str, str] | None:
    """``(field, rest)`` when the line starts with a 施策 section label (``現状 \\uf09f  …`` /
    ``事業の方向性``), ``rest`` being the text after the label (bullet included); else None."""
    m = BULLET_GLYPH.search(raw, 1) if raw.strip() else None
    head = raw[: m.start()] if m else raw
    field_ = SECTION_LABELS.get(match_key(head)) if head.strip() else None
    if field_ is None:
        # the bullet glyph lost (a PDF font without its Unicode): the label, then spaces, then text
        starts = raw.startswith(LABEL_WORD_STARTS) or raw.startswith(LABEL_WORD_STARTS, 1)
        words = LABEL_WORDS.match(raw) if starts else None
        if words is None or (field_ := SECTION_LABELS.get(match_key(words.group("label")))) is None:
            return None
        return field_, words.group("rest")
    return field_, raw[m.start():] if m else ""


def _objective_label(raw: str) -> str | None:
    """The text after a ``目的・あるべき姿`` box label on the same line ('' when alone); None when the
    line is not the label."""
    if not match_key(raw).startswith(OBJECTIVE_KEY):
        return None
    end = raw.find("姿")
    return raw[end + 1:] if end >= 0 else ""


def _next_content(lines: tuple[str, ...], n: int) -> str | None:
    """The next non-empty line after line ``n`` (1-based), looking a few lines ahead."""
    for raw in lines[n: n + 4]:
        if raw.strip():
            return raw
    return None


def _next_content_line(lines: tuple[str, ...], n: int) -> int | None:
    """1-based number of the first non-empty line after line ``n`` (within 6 lines)."""
    for k in range(n + 1, min(n + 6, len(lines)) + 1):
        if lines[k - 1].strip():
            return k
    return None
