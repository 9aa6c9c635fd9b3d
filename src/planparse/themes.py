"""Themes: what each initiative is about, on one taxonomy across cities (THEMES.md), with evidence.

The rules are data: ``src/planparse/themes.toml`` (versioned; its scoring is explained at its
top). This module reads them (``load_rules``) and applies them to the common ``initiatives``
rows of any format (``tag_initiatives``): the NFKC, lower-cased text of ``name``, ``indicator``,
``objective`` and ``summary`` is searched for each rule's words; each theme gets a weighted score;
the themes reaching the threshold (at most ``max_themes``, strongest first) become
``initiative_themes`` rows, each keeping its evidence (the words found in the decisive field),
the field and the rule id. ``theme_rows`` gives the ``themes`` table (the taxonomy).
"""

from __future__ import annotations

import functools
import hashlib
import re
from importlib import resources
from typing import NamedTuple

import regex

from planparse.normalize import nfkc
from planparse.schemas.common import Initiative, InitiativeTheme, Theme

__all__ = ["FIELDS", "Rule", "ThemeRules", "load_rules", "rules_digest", "tag_initiatives", "theme_rows"]

FIELDS = ("name", "indicator", "objective", "summary")
"""The initiative columns read, in the order ties between fields are decided."""

# a word made only of ASCII letters, digits and - matches only as a whole word ("line" ≠ "online")
_ASCII_WORD = regex.compile(r"^[a-z0-9\-]+$")


class Rule(NamedTuple):
    """One rule of themes.toml: ``id``, the ``theme`` it gives, its ``words`` (NFKC, lower case) and
    the ``weight`` of each word found."""

    id: str
    theme: str
    words: tuple[str, ...]
    weight: float
    whole_word: tuple[bool, ...]  # per word: ASCII, so it must not touch an ASCII letter or digit


class ThemeRules(NamedTuple):
    """The parsed rules file: taxonomy, rules, field weights/caps and scoring numbers."""

    version: str
    themes: tuple[Theme, ...]
    rules: tuple[Rule, ...]
    field_weight: dict[str, float]
    field_cap: dict[str, float]
    threshold: float
    max_themes: int
    fallback_min: float
    matcher: re.Pattern  # every word, as a trie: a match is the longest word starting where it starts
    rules_of_word: dict[str, tuple[Rule, ...]]
    whole_words: frozenset[str]  # the words that match only as a whole word (``Rule.whole_word``)
    theme_order: dict[str, int]  # theme → its (first) place in the taxonomy: decides ties between equal scores


_WORD_CHAR = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _matcher(words: set[str]) -> re.Pattern:
    """One pattern for all ``words``, shaped as their trie (``(?:デジタル(?:化|人材)?|…)``): the
    branches after a prefix start with different characters, and a word that is a prefix of longer
    ones is an optional end (greedy), so a match is the longest word starting at its position.
    Compiled with the standard library's ``re``, which skips the positions no word starts at
    (the first characters as a set) three times faster than ``regex`` here; the pattern is literal
    characters only, so the two would find the same."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def branch(node: dict) -> str:
        alternatives = [re.escape(ch) + branch(child) for ch, child in sorted(node.items()) if ch]
        if not alternatives:
            return ""
        ends = "" in node
        if len(alternatives) == 1 and not ends:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")" + ("?" if ends else "")

    return re.compile(branch(trie))


def _rules_text() -> str:
    return resources.files("planparse").joinpath("themes.toml").read_text(encoding="utf-8")


def rules_digest() -> str:
    """SHA-256 (hex) of the packaged themes.toml: part of what a cached document's tags depend on."""
    return hashlib.sha256(_rules_text().encode("utf-8")).hexdigest()


@functools.cache
def load_rules(text: str | None = None) -> ThemeRules:
    """Parse the rules (``text``: TOML; default: the packaged ``themes.toml``).

    Raises ``tomllib.TOMLDecodeError`` for bad TOML and ``ValueError`` when a rule names a theme
    that is not in the taxonomy, a field is unknown, a rule id repeats or a word is empty.
    """
    import tomllib  # here, not at import: ~1 ms a run needs only once it tags its first document

    if text is None:
        text = _rules_text()
    data = tomllib.loads(text)
    version = str(data["version"])
    themes = tuple(Theme.make(theme=t["theme"], name_ja=t["name_ja"], source=t["source"], taxonomy_version=version)
                   for t in data["themes"])
    codes = {t.theme for t in themes}
    fields = data["fields"]
    if set(fields) - set(FIELDS):
        raise ValueError(f"themes.toml: unknown fields {sorted(set(fields) - set(FIELDS))}")
    rules = []
    seen: set[str] = set()
    for r in data["rules"]:
        if r["theme"] not in codes:
            raise ValueError(f"themes.toml: rule {r['id']} names an unknown theme {r['theme']!r}")
        if r["id"] in seen:
            raise ValueError(f"themes.toml: rule id {r['id']} repeats")
        seen.add(r["id"])
        words = tuple(nfkc(w).lower() for w in r["words"])
        if not all(words):
            raise ValueError(f"themes.toml: rule {r['id']} has an empty word")
        rules.append(Rule(id=r["id"], theme=r["theme"], words=words, weight=float(r.get("weight", 1.0)),
                          whole_word=tuple(bool(_ASCII_WORD.match(w)) for w in words)))
    scoring = data["scoring"]
    rules_of_word: dict[str, list[Rule]] = {}
    for rule in rules:
        for word in rule.words:
            rules_of_word.setdefault(word, []).append(rule)
    return ThemeRules(
        version=version, themes=themes, rules=tuple(rules),
        field_weight={f: float(fields[f]["weight"]) for f in fields},
        field_cap={f: float(fields[f]["cap"]) for f in fields},
        threshold=float(scoring["threshold"]), max_themes=int(scoring["max_themes"]),
        fallback_min=float(scoring["fallback_min"]),
        matcher=_matcher(set(rules_of_word)),
        rules_of_word={w: tuple(r) for w, r in rules_of_word.items()},
        whole_words=frozenset(w for w in rules_of_word if _ASCII_WORD.match(w)),
        theme_order={t.theme: n for n, t in reversed(list(enumerate(themes)))},
    )


def theme_rows(rules: ThemeRules | None = None) -> list[Theme]:
    """The ``themes`` table: one row per theme of the taxonomy, with the rules' version."""
    return list((rules or load_rules()).themes)


def _field_hits(text: str, rules: ThemeRules) -> dict[str, list]:
    """``{theme: [raw, words, rule_id]}`` of one field: the sum of the weights of the distinct words
    found (before the field's cap), those words (strongest rule first) and the id of the rule of the
    first. (A list per theme, not an object: one is made for every field and theme that has a hit.)

    Every position of ``text`` where a word starts gives its longest word (``rules.matcher``; the
    next word may start inside it); a whole word touching an ASCII letter or digit does not count
    ("line" inside "online"). The longest match wins: a match lying inside a longer match of any rule
    does not count (学習 inside 機械学習 is not community, 教育 inside セキュリティ教育 neither)."""
    search = rules.matcher.search
    m = search(text)
    if m is None:
        return {}
    whole_words, rules_of_word = rules.whole_words, rules.rules_of_word
    ranked: list[tuple[float, int, int, Rule, str]] = []  # (-weight, start, n, …): strongest, then first
    reach = -1  # the furthest end of the spans so far: they start before this one (one span per start)
    while m is not None:
        start, end = m.span()
        word = m.group()
        if not (word in whole_words and ((start > 0 and text[start - 1] in _WORD_CHAR)
                                         or (end < len(text) and text[end] in _WORD_CHAR))):
            if reach < end:  # not inside a longer span that starts earlier
                for rule in rules_of_word[word]:
                    ranked.append((-rule.weight, start, len(ranked), rule, word))
            if end > reach:
                reach = end
        m = search(text, start + 1)
    if len(ranked) > 1:
        ranked.sort()  # ``len(ranked)`` keeps equals in the order found: rules are never compared
    hits: dict[str, list] = {}
    for _weight, _start, _n, rule, word in ranked:
        hit = hits.get(rule.theme)
        if hit is None:
            hits[rule.theme] = [rule.weight, [word], rule.id]
        elif word not in hit[1]:
            hit[1].append(word)
            hit[0] += rule.weight
    return hits


def tag_initiatives(initiatives: list[Initiative], rules: ThemeRules | None = None) -> list[InitiativeTheme]:
    """Tag every initiative with its themes (see the module and themes.toml).

    Input: common ``initiatives`` rows (any format). Output: ``initiative_themes`` rows, per
    initiative strongest theme first (``seq`` 1…); an initiative no rule speaks of gets none.
    ``evidence`` = the words found in the decisive field (the one contributing most to the
    score; ties: name, indicator, objective, summary), joined with `` | ``. Never raises.
    """
    rules = rules or load_rules()
    fields = [(field, rules.field_weight[field], rules.field_cap[field]) for field in FIELDS
              if field in rules.field_weight]
    theme_order = rules.theme_order
    out: list[InitiativeTheme] = []
    for initiative in initiatives:
        scores: dict[str, float] = {}
        best_hit: dict[str, tuple[float, str, list]] = {}  # theme → (contribution, field, hit) of its decisive field
        for field, weight, cap in fields:
            value = getattr(initiative, field, None)
            if not value:
                continue
            for theme, hit in _field_hits(nfkc(value).lower(), rules).items():
                contribution = weight * min(cap, hit[0])
                scores[theme] = scores.get(theme, 0.0) + contribution
                best = best_hit.get(theme)
                if best is None or contribution > best[0]:
                    best_hit[theme] = (contribution, field, hit)
        if not scores:
            continue
        ranked = sorted(scores, key=lambda t: (-scores[t], theme_order[t])) if len(scores) > 1 else list(scores)
        chosen = [t for t in ranked if scores[t] >= rules.threshold][: rules.max_themes]
        if not chosen and scores[ranked[0]] >= rules.fallback_min:
            chosen = ranked[:1]
        for seq, theme in enumerate(chosen, start=1):
            _contribution, field, (_raw, words, rule_id) = best_hit[theme]
            out.append(InitiativeTheme.make(
                initiative_id=initiative.initiative_id, theme=theme, evidence=" | ".join(words),
                field=field, rule=rule_id, score=round(scores[theme], 3), seq=seq,
            ))
    return out
