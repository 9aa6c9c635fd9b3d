"""Per-document memo of the pure text functions (``normalize``, ``text_cells``), and patterns
compiled on first use.

Parsers look at the same line or cell many times (detection, regions, cards, to_common); the
memo remembers a function's result per input string while one document is parsed, and the
pipeline calls ``clear_memos()`` before each document so memory stays bounded.

``LazyPattern`` is a module-level ``regex`` pattern that is compiled when it is first used: a
process reading one format never compiles the shared patterns only other formats need (``regex``
compiles a pattern in ~0.1–0.5 ms). ``compile_patterns()`` compiles the pending ones (a process
about to fork its workers calls it, so that they inherit them compiled).
"""

from __future__ import annotations

import functools

import regex

__all__ = ["LazyPattern", "clear_memos", "compile_patterns"]

_MEMO_SIZE = 1 << 16  # distinct inputs remembered per function (a large document has ~10k lines)
_MEMOS: list[dict] = []
_MISSING = object()


def _memo(fn):
    """Remember ``fn``'s results for the strings of the document being parsed: parsers look at the
    same line or cell many times (detection, regions, cards, to_common), and NFKC plus the number
    patterns are the largest share of their time. ``fn`` must be pure and return an immutable
    value (str, tuple). ``clear_memos()`` empties every memo; a memo holding ``_MEMO_SIZE`` results
    starts again empty.

    A plain dict, not ``functools.lru_cache``: a hit costs the same, a miss a third less (no
    recency list to keep), and most calls of a document's first pass are misses."""
    return _memoised(fn, copy=None)


def _memo_list(fn):
    """``_memo`` for a function returning a list of frozen objects: each call gets its own copy."""
    return _memoised(fn, copy=list)


def _memoised(fn, copy):
    # one wrapper (one Python call) per call; ``copy`` (None or ``list``) makes each caller's own copy
    results: dict = {}
    _MEMOS.append(results)
    get = results.get
    code = fn.__code__
    if code.co_argcount == 1 and not code.co_kwonlyargcount and code.co_varnames[0] == "text":  # f(text): the key
        if copy is None:

            @functools.wraps(fn)
            def memo(text):
                value = get(text, _MISSING)
                if value is _MISSING:
                    if len(results) >= _MEMO_SIZE:
                        results.clear()
                    value = results[text] = fn(text)
                return value
        else:

            @functools.wraps(fn)
            def memo(text):
                value = get(text, _MISSING)
                if value is _MISSING:
                    if len(results) >= _MEMO_SIZE:
                        results.clear()
                    value = results[text] = fn(text)
                return copy(value)
    else:

        @functools.wraps(fn)
        def memo(*args, **kwargs):
            key = (args, tuple(kwargs.items())) if kwargs else args
            value = get(key, _MISSING)
            if value is _MISSING:
                if len(results) >= _MEMO_SIZE:
                    results.clear()
                value = results[key] = fn(*args, **kwargs)
            return value if copy is None else copy(value)

    return memo


def clear_memos() -> None:
    """Forget every remembered result (the pipeline calls it before each document, so memory stays
    bounded and no result carries over from one document to the next)."""
    for results in _MEMOS:
        results.clear()


_PATTERN_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "splititer")
_PENDING: list[LazyPattern] = []  # the LazyPatterns not compiled yet


class LazyPattern:
    """A ``regex.compile(pattern, flags)`` made on first use, used as the compiled pattern is:
    ``PATTERN.search(text)``, ``PATTERN.sub(…)``, ``PATTERN.groupindex`` ….

    ``pattern`` (the source string) is there before compiling (so patterns can be built from others,
    ``rf"{NUMBER.pattern}…"``). The first other attribute compiles the pattern and keeps the compiled
    pattern's methods on this object, so every later ``PATTERN.search`` costs what it costs on a
    compiled pattern. A bad pattern raises ``regex.error`` at its first use rather than at import
    (``tests/test_memo.py`` compiles every module's patterns).
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags
        _PENDING.append(self)

    def compile(self) -> regex.Pattern:
        """The compiled pattern (compiled now, once)."""
        compiled = self.__dict__.get("compiled")
        if compiled is None:
            compiled = regex.compile(self.pattern, self._flags)
            for name in _PATTERN_METHODS:
                setattr(self, name, getattr(compiled, name))
            self.compiled = compiled
        return compiled

    def __getattr__(self, name: str):
        # only attributes this object lacks come here: before compiling, all of the pattern's
        if name.startswith("__") or name in ("compiled", "pattern", "_flags"):
            raise AttributeError(name)
        return getattr(self.compile(), name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self._flags})"


def compile_patterns() -> None:
    """Compile every ``LazyPattern`` of the modules imported so far (e.g. before forking workers,
    which then inherit them compiled instead of compiling them each)."""
    while _PENDING:
        _PENDING.pop().compile()
