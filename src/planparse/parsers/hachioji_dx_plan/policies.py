"""基本方針: chapter-5 title pages (title + subtitle) and the chapter-4 wording and prose."""

from __future__ import annotations

from bisect import bisect_right

from planparse.normalize import (
    match_key,
    to_int,
)
from planparse.parsers.hachioji_dx_plan.headings import (
    _Headings,
)
from planparse.parsers.hachioji_dx_plan.patterns import (
    SUBTITLE,
    TITLE_WITH_SUBTITLE,
)
from planparse.parsers.hachioji_dx_plan.text import (
    _next_content_line,
    clean_text,
    split_paragraphs,
)
from planparse.schemas.base import IssueLog
from planparse.schemas.hachioji_dx_plan import (
    HachiojiPolicy,
)


def _policies(lines: tuple[str, ...], headings: _Headings, log: IssueLog) -> list[HachiojiPolicy]:
    """基本方針 from the chapter-5 headers (+ subtitle line), with the chapter-4 wording and prose."""
    policies: list[HachiojiPolicy] = []
    for seq, (n, m) in enumerate(headings.policies, start=1):
        code = str(to_int(m.group("num")))
        title, subtitle, sub_line = m.group("title"), None, _next_content_line(lines, n)
        if inline := TITLE_WITH_SUBTITLE.match(title):
            title, subtitle = inline.group("title"), clean_text(inline.group("subtitle"))
        elif sub_line and (s := SUBTITLE.match(lines[sub_line - 1])):
            subtitle = clean_text(s.group("subtitle"))
        else:
            log.warning("policy_without_subtitle", f"基本方針 {code} has no ～subtitle～ after its header", n)
        policy = HachiojiPolicy(code=code, title=clean_text(title), subtitle=subtitle, seq=seq, source_line=n)
        if any(p.code == code for p in policies):
            log.warning("duplicate_policy", f"a second 基本方針 {code} header; its 施策 are read under it "
                        "but the policy row keeps the first header", n)
            continue
        policies.append(policy)
    if not policies:
        log.warning("no_policies", "no 基本方針N header found: measures have no policy")
    _chapter4(lines, headings, policies, log)
    return policies

def _chapter4(lines: tuple[str, ...], headings: _Headings, policies: list[HachiojiPolicy],
              log: IssueLog) -> None:
    """Attach the chapter-4 heading ``(N) title ～subtitle～`` and its prose to policy N; a
    wording that differs (after match keys) from chapter 5 is a ``policy_wording_differs`` warning."""
    first_policy = headings.policies[0][0] if headings.policies else len(lines) + 1
    found = [(n, m) for n, m in headings.chapter4 if n < first_policy]
    stops = sorted([n for n, _ in found] + headings.chapters + [first_policy])
    by_code = {p.code: p for p in policies}
    for n, m in found:
        policy = by_code.get(str(to_int(m.group("num"))))
        if policy is None:
            log.warning("chapter4_policy_unmatched", f"chapter-4 heading {m.group(0).strip()!r} has no "
                        "基本方針 of that number in chapter 5; ignored", n)
            continue
        if policy.chapter4_heading is not None:
            log.warning("chapter4_policy_repeated", f"a second chapter-4 heading for 基本方針 {policy.code} "
                        "ignored", n)
            continue
        title, subtitle = clean_text(m.group("title")), clean_text(m.group("subtitle"))
        policy.chapter4_heading = f"{title} {subtitle}"
        policy.chapter4_line = n
        stop = stops[bisect_right(stops, n)]
        policy.chapter4_text = "\n".join(split_paragraphs(list(lines[n: stop - 1]))) or None
        if match_key(title) != match_key(policy.title) or match_key(subtitle) != match_key(
                policy.subtitle or ""):
            log.warning("policy_wording_differs",
                        f"基本方針 {policy.code} is worded differently in chapter 4 ({policy.chapter4_heading!r}, "
                        f"line {n}) and chapter 5 ({policy.full_name!r}); chapter 5 is kept as the name, "
                        "chapter 4 as a name variant", policy.source_line)
