"""Per-document memo of the pure text functions (``normalize``, ``text_cells``).

Parsers look at the same line or cell many times (detection, regions, cards, to_common); the
memo remembers a function's result per input string while one document is parsed, and the
pipeline calls ``clear_memos()`` before each document so memory stays bounded.
"""

from __future__ import annotations

import functools

__all__ = ["clear_memos"]

_MEMO_SIZE = 1 << 16  # distinct strings remembered per function (a large document has ~10k lines)
_MEMOS: list = []


def _memo(fn):
    """Remember ``fn``'s results for the strings of the document being parsed: parsers look at the
    same line or cell many times (detection, regions, cards, to_common), and NFKC plus the number
    patterns are the largest share of their time. ``fn`` must be pure and return an immutable
    value (str, tuple). ``clear_memos()`` empties every memo."""
    cached = functools.lru_cache(maxsize=_MEMO_SIZE)(fn)
    _MEMOS.append(cached)
    return cached


def _memo_list(fn):
    """``_memo`` for a function returning a list of frozen objects: each call gets its own copy."""
    cached = _memo(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return list(cached(*args, **kwargs))

    return wrapper


def clear_memos() -> None:
    """Forget every remembered result (the pipeline calls it before each document, so memory stays
    bounded and no result carries over from one document to the next)."""
    for cached in _MEMOS:
        cached.cache_clear()
