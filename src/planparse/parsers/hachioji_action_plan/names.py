"""The 事業名称 / 担当 line: name and department (notes §3.3, §5.1)."""

from __future__ import annotations

from planparse.memo import _memo
from planparse.normalize import (
    join_wrapped,
    nfkc,
)
from planparse.parsers.hachioji_action_plan.model import Context, Piece, Unit, piece_text
from planparse.parsers.hachioji_action_plan.patterns import (
    DEPARTMENT,
    DEPARTMENT_ENDS,
    DEPARTMENT_LINE_EVIDENCE,
    DEPARTMENT_NOTE,
)


def name_like(ctx: Context, piece: Piece) -> bool:
    """A name box: one line ``<名称> <担当>``, a department alone (``デジタル推進課ほか``), or a
    wrapped box whose later lines name an office (``…オンライン申請`` / ``市民課・事務所`` /
    ``（斎場霊園事務所を除く）``)."""
    if piece.kind != "X":
        return False
    raw = ctx.lines[piece.first - 1]
    if len(piece.lines) == 1:
        # both tests need a line ending as a 担当 can, its spaces at the end aside (most boxes do not)
        if not raw.rstrip().endswith(DEPARTMENT_ENDS):
            return False
        first = raw.strip(" \u3000")
        return split_name(first) is not None or department_only(first)
    first = raw.strip(" \u3000")
    # the cheap test first: most boxes (事業内容, 目的 texts) fail it on their second line
    if not DEPARTMENT_LINE_EVIDENCE.search(ctx.lines[piece.lines[1] - 1].strip(" \u3000")):
        return False
    texts = [ctx.lines[n - 1].strip(" \u3000") for n in piece.lines]
    if " " in first and split_name(first):
        return False
    return bool(DEPARTMENT.match(join_wrapped(texts[1:]))) and not any(ch.isdigit() for ch in nfkc("".join(texts)))


def unknown_name(ctx: Context, pieces: list[Piece], j: int, prev_end: int) -> bool:
    """A one-line box before 事業内容 that does not end with a known department suffix is still
    the name line when nothing of a KPI block precedes it, or when it looks like
    ``<名称> <担当>`` (a space, no digits)."""
    piece = pieces[j]
    if len(piece.lines) != 1:
        return False
    text = ctx.lines[piece.first - 1].strip(" \u3000")
    before = pieces[j - 1] if j - 1 > prev_end else None
    if before is None or before.kind not in "XMID":
        return True
    return " " in text and not any(ch.isdigit() for ch in nfkc(text))


def name_and_department(ctx: Context, unit: Unit, code: str) -> tuple[str, str | None]:
    """Name and 担当 of a unit (see ``split_name``); a department-only name box is combined with
    the unit's name-only line."""
    if unit.name is None and unit.name_only is None:
        ctx.log.error("name_missing", f"card {code}: no 事業名称 found", unit.anchor.first, initiative=code)
        return "", None
    texts = [ctx.lines[n - 1].strip(" \u3000") for n in unit.name.lines] if unit.name else []
    if unit.name_only is not None:
        name = piece_text(ctx.lines, unit.name_only)
        department = join_wrapped(texts) if texts else None
        ctx.log.warning("name_department_apart",
                        f"card {code}: 事業名称 {name!r} (line {unit.name_only.first}) and 担当 {department!r} "
                        f"(line {unit.name.first if unit.name else '-'}) are written apart; joined",
                        unit.name_only.first, initiative=code)
        return name, department
    if len(texts) == 1:
        split = split_name(texts[0])
        if split and DEPARTMENT_NOTE.match(split[1]):
            ctx.log.warning("department_is_note",
                            f"card {code}: the 担当 column holds {split[1]!r}, a note rather than a department; "
                            "kept as written", unit.name.first, initiative=code)
        if split:
            return split
        if department_only(texts[0]):
            ctx.log.warning("name_missing", f"card {code}: only the 担当 {texts[0]!r} was found, no 事業名称",
                            unit.name.first, initiative=code)
            return "", texts[0]
        name, _, department = texts[0].rpartition(" ")
        if name and department:
            ctx.log.warning("department_unrecognised",
                            f"card {code}: {department!r} does not end like a department (課, 部, 室, 局, 所, "
                            "センター, 館); the name line was split at its last space", unit.name.first,
                            initiative=code)
            return name.strip(), department
        ctx.log.warning("department_missing", f"card {code}: no 担当 found on the name line {texts[0]!r}",
                        unit.name.first, initiative=code)
        return texts[0], None
    ctx.log.warning("name_department_wrapped",
                    f"card {code}: 事業名称 and 担当 wrap over {len(texts)} lines; the first line was read as "
                    "the name, the rest as the department", unit.name.first, initiative=code)
    return texts[0], join_wrapped(texts[1:])


@_memo  # the same lines are asked about from several steps (units, orphans, pieces, names)
def split_name(text: str) -> tuple[str, str] | None:
    """``<名称> <担当>`` → (name, department), split on the last space before a department.

    ``就学手続のオンライン申請化 学務課`` → (``就学手続のオンライン申請化``, ``学務課``);
    ``… 成人保健課 （南大沢保健福祉センター）`` keeps the bracket with the department;
    ``…協議会事業） （参考）`` → department ``（参考）``; ``OSS（Open Source Software）を用いた… 防災課``
    is not split at its first spaces. None when no department ends the line.
    """
    if not text.rstrip().endswith(DEPARTMENT_ENDS):
        return None  # no department ends the line
    parts = text.split(" ")
    for i in range(1, len(parts)):
        name = " ".join(parts[:i]).strip()
        dept = " ".join(parts[i:]).strip()
        if name and (DEPARTMENT.match(dept) or (i == len(parts) - 1 and DEPARTMENT_NOTE.match(dept))):
            return name, dept
    return None


def department_only(text: str) -> bool:
    """A 担当 written alone: ``デジタル推進課ほか`` (short, no digits, ends with a department suffix)."""
    return len(text) <= 20 and bool(DEPARTMENT.match(text)) and not any(ch.isdigit() for ch in nfkc(text))
