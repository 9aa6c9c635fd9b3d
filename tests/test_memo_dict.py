"""``memo._memo``: results remembered per input until ``clear_memos``, as the function gives them."""

from __future__ import annotations

from planparse import memo
from planparse.memo import _memo, _memo_list, clear_memos


def test_a_memo_calls_the_function_once_per_input_until_cleared() -> None:
    calls: list[tuple] = []

    @_memo
    def upper(text: str) -> str:
        """Upper case."""
        calls.append((text,))
        return text.upper()

    @_memo
    def cut(text: str, *, at: int = 2) -> str:
        calls.append((text, at))
        return text[:at]

    assert upper("ab") == "AB" and upper("ab") == "AB" and upper(text="ab") == "AB"
    assert upper.__doc__ == "Upper case." and upper.__wrapped__("x") == "X"
    assert cut("abc") == "ab" and cut("abc") == "ab" and cut("abc", at=1) == "a" and cut("abc", at=1) == "a"
    assert calls == [("ab",), ("x",), ("abc", 2), ("abc", 1)]
    clear_memos()
    assert upper("ab") == "AB" and calls[-1] == ("ab",)


def test_a_full_memo_starts_again_and_list_results_are_copies(monkeypatch) -> None:
    monkeypatch.setattr(memo, "_MEMO_SIZE", 2)
    seen: list[str] = []

    @_memo_list
    def chars(text: str) -> list[str]:
        seen.append(text)
        return list(text)

    first = chars("ab")
    first.append("z")  # the caller's copy
    assert chars("ab") == ["a", "b"] and seen == ["ab"]
    chars("c"), chars("d")  # the third input empties the memo
    assert chars("ab") == ["a", "b"] and seen == ["ab", "c", "d", "ab"]


def test_a_list_memo_with_options_gives_copies_per_call_and_options() -> None:
    seen: list[tuple] = []

    @_memo_list
    def cut(text: str, *, at: int = 1) -> list[str]:
        seen.append((text, at))
        return [text[:at], text[at:]]

    first = cut("abc", at=2)
    first.append("z")  # the caller's copy
    assert cut("abc", at=2) == ["ab", "c"] and cut("abc") == ["a", "bc"] and cut("abc") is not cut("abc")
    assert cut.__name__ == "cut" and seen == [("abc", 2), ("abc", 1)]
    clear_memos()
    assert cut("abc") == ["a", "bc"] and seen[-1] == ("abc", 1)
