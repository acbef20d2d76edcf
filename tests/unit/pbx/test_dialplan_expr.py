"""Asterisk's `$[...]` expressions as `dialplan_expr` evaluates them.

Expected values follow main/ast_expr2.y and ast_expr2.fl of Asterisk 20/22 and the
operator table of docs.asterisk.org (Configuration/Dialplan/Expressions/Operators).
"""

from __future__ import annotations

import pytest

from callcenter.pbx.dialplan_expr import (
    ExpressionSyntaxError,
    UnsupportedExpression,
    evaluate,
    is_true,
    substitute,
)


@pytest.mark.parametrize(
    ("expr", "result"),
    [
        ("1 + 2", "3"),
        ("1+2", "3"),  # no spaces needed around operators
        ("2 * 3 + 1", "7"),
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("-5 - 3", "-8"),
        ("10 / 4", "2.5"),
        ("7 % 3", "1"),
        ("-7 % 3", "-1"),  # fmod: the sign of the dividend
        ("1 / 0", "2147483647"),  # "division by zero" and INT_MAX
        ("2 * 0", "0"),
        # Quoted strings keep their quotes and compare as strings.
        ('"open" = ""', "0"),
        ('"" = ""', "1"),
        ('"open" != ""', "1"),
        ('"abc"', '"abc"'),
        # Numbers compare as numbers, leading zeros and all; else byte-wise.
        ("01795 = 1795", "1"),
        ("10 > 9", "1"),
        ('"10" > "9"', "0"),
        ("1795 >= 0abc", "1"),  # `0abc` is a string: "1795" > "0abc" byte-wise
        # `|` gives the left side unless empty/zero; `&` the left side if neither is.
        ("0 | 5", "5"),
        ("3 | 5", "3"),
        ("01795 | 5", "1795"),  # the test for zero converted it to a number
        ("3 & 5", "3"),
        ("3 & 0", "0"),
        ('"" & 1', '""'),  # the two quote characters are not an empty string
        # Precedence: `|` below `&` below comparisons below `+ -`.
        ("1 | 0 & 0", "1"),
        ("0 | 2 > 1", "1"),
        ("1795250986 - 01795250900 > 60", "1"),
        ('"" = "" | "" = "" | 5 > 60', "1"),
        ('"open" = "" | "1795" = "" | 5 > 60', "0"),
        # Our valid-until check, with and without a value.
        ('"" != "" & 1795250000 >= 0', "0"),
        ('"1795250000" != "" & 1795250000 >= 01795250000', "1"),
        ('"1795250001" != "" & 1795250000 >= 01795250001', "0"),
        # Non-numbers in arithmetic count as absent.
        ("3 - 0abc", "3"),
        ("abc - 3", "-3"),
        ("!0", "1"),
        ("!5", "0"),
        ('!"5"', "1"),  # atoi('"5"') is 0
        ("", ""),
        ("   ", ""),
        ('"ä" > "a"', "1"),  # UTF-8 bytes above ASCII
    ],
)
def test_expression_values(expr: str, result: str) -> None:
    assert evaluate(expr) == result


@pytest.mark.parametrize(
    "expr",
    ["1795250000 >= ", "= 5", "1 +", "(1 + 2", "1 2", '"" = "" | "" = "" | 1795250000 > '],
)
def test_syntax_errors_raise_and_substitute_to_zero(expr: str) -> None:
    with pytest.raises(ExpressionSyntaxError, match="syntax error"):
        evaluate(expr)
    assert substitute(f"$[{expr}]", lambda _name: "") == "0"
    with pytest.raises(ExpressionSyntaxError):
        substitute(f"$[{expr}]", lambda _name: "", strict=True)


@pytest.mark.parametrize("expr", ["1 ? 2 :: 3", '"a" =~ "a"', "a : b", "LEN(abc)", "1 , 2"])
def test_what_our_dialplan_does_not_use_is_refused_not_guessed(expr: str) -> None:
    with pytest.raises(UnsupportedExpression):
        evaluate(expr)


def test_substitution_is_innermost_first_and_nested() -> None:
    values = {"EPOCH": "1795250100", "hb": "1795250000", "state": "open", "team": "a"}
    asked: list[str] = []

    def lookup(name: str) -> str:
        asked.append(name)
        return values.get(name, "")

    text = '$["${state}" = "" | $[${EPOCH} - 0${hb}] > 60]?fallback'
    assert substitute(text, lookup) == "1?fallback"
    assert substitute("${DB(callhours/${team})}", lookup) == ""
    assert asked[-2:] == ["team", "DB(callhours/a)"]


def test_an_unguarded_empty_variable_is_the_syntax_error_asterisk_logs() -> None:
    def lookup(name: str) -> str:
        return {"EPOCH": "1795250000"}.get(name, "")

    assert substitute("$[${EPOCH} >= ${until}]", lookup) == "0"
    with pytest.raises(ExpressionSyntaxError, match=r"\$\[1795250000 >= \]"):
        substitute("$[${EPOCH} >= ${until}]", lookup, strict=True)
    assert substitute('$["${until}" != "" & ${EPOCH} >= 0${until}]', lookup, strict=True) == "0"


@pytest.mark.parametrize(
    ("condition", "true"),
    [("", False), ("0", False), ("1", True), ("-3", True), (" 2", True), ("0.5", False),
     ("abc", True), ('""', True), ("00", False)],
)  # fmt: skip
def test_gotoif_condition_truth(condition: str, true: bool) -> None:
    assert is_true(condition) is true
