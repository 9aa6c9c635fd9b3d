"""``memo.LazyPattern``: a module-level pattern compiled on first use, used as the compiled one."""

from __future__ import annotations

import importlib
import pickle
import pkgutil

import regex

import planparse
from planparse import memo
from planparse.memo import LazyPattern, compile_patterns


def test_lazy_pattern_compiles_on_first_use_and_matches_as_the_compiled_pattern() -> None:
    source = r"(?P<era>令和|平成)\s*(?P<n>\d+|元)"
    lazy = LazyPattern(source, regex.IGNORECASE)
    assert lazy.pattern == source and "compiled" not in vars(lazy)  # nothing compiled yet
    compiled = regex.compile(source, regex.IGNORECASE)
    text = "令和 5年度から平成30年度、令和元年"
    assert lazy.search(text).groupdict() == compiled.search(text).groupdict()
    assert vars(lazy)["compiled"] is lazy.compile()  # compiled once, kept
    assert vars(lazy)["search"] == compiled.search  # the compiled pattern's own methods, bound once
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.findall(text) == compiled.findall(text)
    assert lazy.sub("X", text) == compiled.sub("X", text)
    assert lazy.subn("X", text) == compiled.subn("X", text)
    assert lazy.split(text) == compiled.split(text)
    assert lazy.match(text).group() == compiled.match(text).group()
    assert lazy.fullmatch("令和元") is not None
    assert lazy.groupindex == compiled.groupindex and lazy.flags == compiled.flags  # any other attribute
    assert pickle.loads(pickle.dumps(lazy)).search(text).group() == "令和 5"


def test_lazy_pattern_source_builds_other_patterns_without_compiling() -> None:
    number = LazyPattern(r"\d+(?:\.\d+)?")
    delta = LazyPattern(rf"[▲+\-]?{number.pattern}%")
    assert "compiled" not in vars(number)
    assert delta.search("対目標 ▲7.6%").group() == "▲7.6%"


def test_a_bad_lazy_pattern_raises_at_first_use() -> None:
    bad = LazyPattern(r"(unclosed")
    try:
        bad.search("x")
    except regex.error:
        pass
    else:  # pragma: no cover
        raise AssertionError("regex.error expected")
    finally:
        memo._PENDING.remove(bad)  # not one of planparse's patterns


def test_every_module_pattern_compiles() -> None:
    """Patterns are compiled on first use: compile all of them here, so a bad one fails a test, not a run."""
    for info in pkgutil.walk_packages(planparse.__path__, "planparse."):
        if not info.name.startswith("planparse.report"):  # the report needs its extra (jinja2)
            importlib.import_module(info.name)
    assert memo._PENDING
    compile_patterns()
    assert not memo._PENDING
