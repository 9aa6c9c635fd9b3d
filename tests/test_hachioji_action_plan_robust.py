"""Hachioji action plan: damaged copies (issue 10.2) — one card that cannot be read costs only itself.

Seeded mutations of the seed text (lines deleted, inserted, duplicated) and the known crashes
(a deleted year-header line, a stray ``→用語集100%*※`` line, ``\\r\\r\\n`` line ends). Line numbers refer
to data/raw/hachioji_dx_action_plan_2025.txt.
"""

from __future__ import annotations

import random
from functools import cache

import pytest

from planparse.ingest import load_bytes
from planparse.parsers.hachioji_action_plan import HachiojiActionPlanParser
from planparse.parsers.hachioji_action_plan.model import Context, Piece, Unit
from planparse.parsers.hachioji_action_plan.orphans import give_parts
from planparse.pipeline import extract_file
from planparse.schemas.base import ParseResult
from tests.conftest import RAW

SEED = RAW / "hachioji_dx_action_plan_2025.txt"
STRAYS = ["→用語集100%*※", "", "令和4年度", "【達成】", "目的", "事業名称 担当：", "27  　　   "]
KINDS = ("delete", "insert", "duplicate")


@cache
def seed_lines() -> tuple[str, ...]:
    return tuple(SEED.read_text(encoding="utf-8").split("\n"))


def parse_text(text: str) -> ParseResult:
    return HachiojiActionPlanParser().parse(load_bytes(text.encode("utf-8"), path="mutant.txt"))


@cache
def seed_pairs() -> frozenset[tuple[str, str]]:
    return frozenset((c.code, c.name) for c in parse_text("\n".join(seed_lines())).record.cards)


def mutate(seed: int, kind: str, rate: float = 0.01) -> str:
    """The seed text with ``rate`` of its lines deleted, inserted (a line of the document elsewhere
    or a stray line) or duplicated, at positions drawn from ``random.Random(seed)``."""
    rng = random.Random(f"{kind}:{seed}")
    lines = list(seed_lines())
    for _ in range(max(1, int(len(lines) * rate))):
        i = rng.randrange(len(lines))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        else:
            stray = rng.choice(STRAYS) if rng.random() < 0.5 else lines[rng.randrange(len(lines))]
            lines.insert(i, stray)
    return "\n".join(lines)


def kept_share(result: ParseResult) -> float:
    got = {(c.code, c.name) for c in result.record.cards}
    return len(got & seed_pairs()) / len(seed_pairs())


def test_seed_pairs_are_the_170_cards() -> None:
    assert len(seed_pairs()) == 170
    assert ("1-1-2", "就学手続のオンライン申請化") in seed_pairs()


@pytest.mark.parametrize("kind", KINDS)
def test_one_percent_damage_costs_about_its_share(kind: str) -> None:
    """20 mutants per kind (60 in all), 1% of the lines each: the parser never raises, never loses
    the document, and keeps ≥ 95% of the (管理番号, 事業名称) pairs on average."""
    shares = []
    for seed in range(20):
        result = parse_text(mutate(seed, kind))
        assert result.record is not None
        shares.append(kept_share(result))
    assert min(shares) > 0.8, shares
    assert sum(shares) / len(shares) >= 0.95, shares


@pytest.mark.parametrize("seed", range(3))
def test_mutants_through_the_pipeline_have_no_parser_error(seed: int) -> None:
    for kind in KINDS:
        data = mutate(seed, kind).encode("utf-8")
        r = extract_file(f"mutant_{kind}_{seed}.txt", data=data)
        assert r.document.format == "hachioji_action_plan"
        assert not [i for i in r.issues if i.code == "parser_error"], kind
        assert len(r.rows.initiatives) >= 150, kind


def test_deleted_year_header_line_costs_nothing() -> None:
    """Deleting the 令和5年度 line of 1-1-2's year header (line 823) used to fail the whole
    document (``zip(strict=True)``); now every card is read and 1-1-2 keeps its four years."""
    lines = list(seed_lines())
    assert lines[822] == "令和5年度"
    del lines[822]
    result = parse_text("\n".join(lines))
    assert kept_share(result) == 1.0
    card = next(c for c in result.record.cards if c.code == "1-1-2")
    assert [y.fiscal_year for y in card.years] == [2022, 2023, 2024, 2025]
    assert not [i for i in result.issues if i.severity == "error"]


def test_stray_glossary_line_inside_a_card() -> None:
    """A stray ``→用語集100%*※`` line glued to 1-1-2's name line (811) keeps the name and reports it."""
    lines = list(seed_lines())
    assert lines[810] == "就学手続のオンライン申請化 学務課"
    lines.insert(811, "→用語集100%*※")
    result = parse_text("\n".join(lines))
    assert kept_share(result) == 1.0
    assert any(i.code == "name_line_extra_text" and i.source_line == 812 for i in result.issues)


def test_cr_cr_lf_line_ends() -> None:
    text = "\n".join(seed_lines()).replace("\n", "\r\r\n")
    result = HachiojiActionPlanParser().parse(load_bytes(text.encode("utf-8"), path="crcrlf.txt"))
    assert kept_share(result) == 1.0
    card = next(c for c in result.record.cards if c.code == "1-1-2")
    assert card.department == "学務課"


def test_give_parts_with_nothing_to_give() -> None:
    """An orphan group with no piece of any kind (only page numbers) used to raise in ``min()``."""
    ctx = Context(["目的", "あるべき姿"])
    unit = Unit(anchor=Piece("O", [1, 2], True))
    give_parts(ctx, unit, {"name": [], "name_only": [], "summary": [], "kpi": [], "tags": [], "Y": []}, whole=True)
    assert unit.notes == [] and unit.name is None


def test_label_pair_lost_keeps_the_page() -> None:
    """Deleting 1-1-1's あるべき姿 label (line 872) leaves a lone 目的: the page is read again with the
    lone label as the card's anchor, so 1-1-1 and 1-1-2 are both kept."""
    lines = list(seed_lines())
    assert lines[871] == "あるべき姿" and lines[870] == "目的"
    del lines[871]
    result = parse_text("\n".join(lines))
    codes = {c.code: c.name for c in result.record.cards}
    assert codes["1-1-1"] == "オンライン申請推進のサポート"
    assert codes["1-1-2"] == "就学手続のオンライン申請化"
    assert any(i.code == "objective_label_alone" for i in result.issues)


def test_docs_name_every_issue_code_the_parser_can_log() -> None:
    """docs/formats/hachioji_action_plan.md names every code logged by the parser's modules."""
    import re
    from pathlib import Path

    package = Path(__file__).parent.parent / "src/planparse/parsers/hachioji_action_plan"
    codes = {c for f in package.glob("*.py")
             for c in re.findall(r'log\.(?:warning|error)\(\s*"([a-z_]+)"', f.read_text(encoding="utf-8"))}
    doc = (Path(__file__).parent.parent / "docs/formats/hachioji_action_plan.md").read_text(encoding="utf-8")
    assert len(codes) > 40
    assert sorted(c for c in codes if f"`{c}`" not in doc) == []


def test_lost_header_line_between_two_codes_is_inferred() -> None:
    """Deleting 1-1-2's header line (764): its label block stands between 1-1-1 and 1-1-3, so it is
    card 1-1-2 (reported), with its own name and values; deleting the page's first header 1-1-1 (751)
    leaves a block before 1-1-2 that follows no card of 施策 1-1: card 1-1-1. Deleting both 1-1-1 and
    1-1-2 leaves two blocks nothing names: reported as lost, 1-1-3 … keep theirs."""
    lines = list(seed_lines())
    assert lines[763].endswith("管理番号 1-1-2")
    del lines[763]
    result = parse_text("\n".join(lines))
    assert kept_share(result) == 1.0
    card = next(c for c in result.record.cards if c.code == "1-1-2")
    assert (card.sub_heading, card.department) == ("", "学務課")
    assert [y.marks for y in card.years][:3] == [["【達成】"], ["【達成】"], ["【達成】"]]
    assert [i.code for i in result.issues if i.code == "card_code_inferred"] == ["card_code_inferred"]
    lines = list(seed_lines())
    assert lines[750].endswith("管理番号 1-1-1")
    del lines[750]
    result = parse_text("\n".join(lines))
    assert kept_share(result) == 1.0
    lines = list(seed_lines())
    del lines[763]
    del lines[750]
    result = parse_text("\n".join(lines))
    names = {c.code: c.name for c in result.record.cards}
    assert "1-1-1" not in names and "1-1-2" not in names and names["1-1-3"] == "学童保育所入所手続のオンライン申請化"
    lost = [i.message for i in result.issues if i.code == "card_header_lost"]
    assert len(lost) == 2 and any("オンライン申請推進のサポート" in m for m in lost)
    assert kept_share(result) == 168 / 170


def test_many_repeated_tag_lines_stay_fast() -> None:
    """1-1-4's 取組内容 lines (915–921, one row over several lines) written 8 times: the card is still read
    with its four columns."""
    lines = list(seed_lines())
    row = lines[914:921]
    assert row[0] == "【調達】"
    lines[914:921] = row * 8
    result = parse_text("\n".join(lines))
    assert kept_share(result) == 1.0
    card = next(c for c in result.record.cards if c.code == "1-1-4")
    assert [y.fiscal_year for y in card.years] == [2022, 2023, 2024, 2025]


def test_merging_a_huge_tag_row_gives_up_instead_of_searching() -> None:
    """40 one-tag lines for 20 columns: C(39, 20) ≈ 7·10¹⁰ ways to merge them; beyond
    ``Settings.plan_merge_max_combinations`` the first cells are kept and the merge reported unsure."""
    import time

    from planparse.parsers.hachioji_action_plan.plan_cells import merge_cells

    ctx = Context([f"【工程{i}】" for i in range(40)])
    entries = [{"line": i + 1, "box": 0, "cells": [(f"【工程{i}】", [i + 1])], "remark": ""} for i in range(40)]
    started = time.perf_counter()
    cells, penalty, unique = merge_cells(ctx, entries, 20)
    assert time.perf_counter() - started < 1
    assert (len(cells), penalty, unique) == (20, 99, False)
    assert cells[0] == ("【工程0】", [1])
    few = merge_cells(ctx, entries[:6], 4)  # 10 ways: searched
    assert few[1] == 0 and len(few[0]) == 4


def test_year_header_with_a_lost_line_is_reported_as_incomplete() -> None:
    lines = list(seed_lines())
    assert lines[822] == "令和5年度"
    del lines[822]
    result = parse_text("\n".join(lines))
    msgs = [i for i in result.issues if i.code == "year_header_incomplete"]
    assert len(msgs) == 1 and "1-1-2" in msgs[0].message and "（2023年度）" in msgs[0].message
