"""Asterisk's `${...}` substitution and `$[...]` expressions, for the part our dialplan uses.

Follows main/ast_expr2.fl (scanner) and main/ast_expr2.y (grammar, operators) of
Asterisk 20/22 so the evaluator, the simulator and the tests decide exactly as a PBX:

- tokens need no spaces around operators; a double-quoted string keeps its quotes
  (`"${state}" = ""` compares `"open"` with `""`); digits with an optional fraction are
  numeric strings, anything else a string (`0abc` too); characters the scanner knows
  no rule for are skipped;
- precedence, lowest first: `|`, `&`, comparisons, `+ -`, `* / %`, unary `- !`;
- comparisons are numeric when neither side is a string, else byte-wise (`strcoll` in the
  C locale Asterisk runs in); `|` gives the left side unless it is empty or zero, `&` gives
  the left side if neither is empty or zero, else 0;
- a syntax error (`$[1795250986 >= ]` when a variable is empty) makes Asterisk log a
  warning and substitute `0`: `substitute` does the same unless asked to be strict,
  which is what the static checks of the generated file use;
- `$[]` is the empty string; numbers print like `%.18Lg`.

The conditional `? ::`, regex `: =~`, `~~` and function calls inside expressions are not
used by our dialplan and raise `UnsupportedExpression` rather than being guessed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class ExpressionError(ValueError):
    """Base of the errors of this module."""


class ExpressionSyntaxError(ExpressionError):
    """Asterisk would log `ast_yyerror(): syntax error` and use `0` as the result."""


class UnsupportedExpression(ExpressionError):
    """Valid for Asterisk maybe, but outside the subset this module evaluates."""


class _Kind(Enum):
    NUMBER = "number"
    NUMERIC = "numeric string"
    STRING = "string"


@dataclass
class _Value:
    kind: _Kind
    text: str = ""
    number: float = 0.0


_OPERATORS = (  # longest first: the scanner takes the longest match
    "||", "&&", "==", "=~", "~~", ">=", "<=", "!=", "::",
    "|", "&", "=", ">", "<", "+", ",", "-", "*", "/", "%", "?", "!", ":", "(", ")",
)  # fmt: skip
_CANONICAL = {"||": "|", "&&": "&", "==": "="}
_UNSUPPORTED = {"=~", "~~", "::", "?", ":", ","}
_INT_MAX = 2147483647.0
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_WORD = re.compile(r"(?:[a-zA-Z0-9.';\\_^#@\x80-\xff]|\$[^{])+")
_QUOTED = re.compile(r'"[^"]*"')
_LEVELS = (
    frozenset({"|"}),
    frozenset({"&"}),
    frozenset({"=", "!=", ">", ">=", "<", "<="}),
    frozenset({"+", "-"}),
    frozenset({"*", "/", "%"}),
)


def _tokens(expr: str) -> list[tuple[str, str]]:
    """(type, text) pairs; type is "op" or "value". Unknown characters are skipped."""
    out: list[tuple[str, str]] = []
    index = 0
    while index < len(expr):
        char = expr[index]
        if char in " \t\r\n":
            index += 1
            continue
        if char == '"' and (quoted := _QUOTED.match(expr, index)):
            out.append(("value", quoted.group()))
            index = quoted.end()
            continue
        number = _NUMBER.match(expr, index)
        word = _WORD.match(expr, index)
        longest = max((m for m in (number, word) if m), key=lambda m: m.end(), default=None)
        if longest is not None:
            # On a tie the number rule wins: it comes first in the scanner.
            kind = "number" if number and number.end() == longest.end() else "value"
            out.append((kind, longest.group()))
            index = longest.end()
            continue
        operator = next((op for op in _OPERATORS if expr.startswith(op, index)), None)
        if operator is not None:
            out.append(("op", _CANONICAL.get(operator, operator)))
            index += len(operator)
            continue
        index += 1  # flex's default rule: echo the character and go on
    return out


def _is_number(value: _Value) -> bool:
    """Asterisk's to_number(): converts a numeric string in place; a string never converts."""
    if value.kind is _Kind.NUMERIC:
        value.number = float(value.text)
        value.kind = _Kind.NUMBER
    return value.kind is _Kind.NUMBER


def _zero_or_null(value: _Value) -> bool:
    if value.kind is _Kind.NUMBER:
        return value.number == 0
    return value.text == "" or (_is_number(value) and value.number == 0)


def _format(number: float) -> str:
    return f"{number:.18g}"


def _as_text(value: _Value) -> str:
    return _format(value.number) if value.kind is _Kind.NUMBER else value.text


def _number(number: float) -> _Value:
    return _Value(_Kind.NUMBER, number=number)


def _compare(op: str, left: _Value, right: _Value) -> _Value:
    if left.kind is _Kind.STRING or right.kind is _Kind.STRING:
        # The parser works on bytes as latin-1 characters: str order is byte order here.
        a: str | float = _as_text(left)
        b: str | float = _as_text(right)
    else:
        _is_number(left)
        _is_number(right)
        a, b = left.number, right.number
    result = {
        "=": a == b,
        "!=": a != b,
        ">": a > b,  # type: ignore[operator]
        ">=": a >= b,  # type: ignore[operator]
        "<": a < b,  # type: ignore[operator]
        "<=": a <= b,  # type: ignore[operator]
    }[op]
    return _number(1.0 if result else 0.0)


def _arithmetic(op: str, left: _Value, right: _Value) -> _Value:
    left_ok, right_ok = _is_number(left), _is_number(right)
    if op in ("+", "-"):
        # op_plus / op_minus: a non-numeric side counts as absent, with a warning.
        if not left_ok:
            if not right_ok:
                return _number(0.0)
            return right if op == "+" else _number(0.0 - right.number)
        if not right_ok:
            return left
        return _number(left.number + right.number if op == "+" else left.number - right.number)
    if not (left_ok and right_ok):
        return _number(_INT_MAX if op == "/" and left_ok else 0.0)
    if op == "*":
        return _number(left.number * right.number)
    if right.number == 0:  # "division by zero": op_div gives INT_MAX, op_rem its divisor
        return _number(_INT_MAX) if op == "/" else right
    if op == "/":
        return _number(left.number / right.number)
    return _number(math.fmod(left.number, right.number))


def _binary(op: str, left: _Value, right: _Value) -> _Value:
    if op == "|":
        return right if _zero_or_null(left) else left
    if op == "&":
        return _number(0.0) if _zero_or_null(left) or _zero_or_null(right) else left
    if op in _LEVELS[2]:
        return _compare(op, left, right)
    return _arithmetic(op, left, right)


class _Parser:
    def __init__(self, expr: str) -> None:
        self.expr = expr
        self.tokens = _tokens(expr)
        self.index = 0

    def error(self, what: str) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(f"syntax error in $[{self.expr}]: {what}")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise self.error("unexpected end")
        self.index += 1
        if token[0] == "op" and token[1] in _UNSUPPORTED:
            raise UnsupportedExpression(f"operator {token[1]!r} in $[{self.expr}]")
        return token

    def parse(self) -> _Value | None:
        if not self.tokens:
            return None
        value = self.level(0)
        rest = self.peek()
        if rest is not None:
            self.take()  # an operator we do not evaluate raises UnsupportedExpression here
            raise self.error(f"unexpected {rest[1]!r}")
        return value

    def level(self, depth: int) -> _Value:
        if depth == len(_LEVELS):
            return self.unary()
        left = self.level(depth + 1)
        operators = _LEVELS[depth]
        while (token := self.peek()) is not None and token[0] == "op" and token[1] in operators:
            self.take()
            left = _binary(token[1], left, self.level(depth + 1))
        return left

    def unary(self) -> _Value:
        token = self.take()
        if token == ("op", "-"):
            operand = self.unary()
            return _number(-operand.number) if _is_number(operand) else _number(0.0)
        if token == ("op", "!"):
            operand = self.unary()
            return _number(0.0 if _truthy_compl(operand) else 1.0)
        if token == ("op", "("):
            value = self.level(0)
            if self.take() != ("op", ")"):
                raise self.error("')' expected")
            return value
        if token[0] == "op":
            raise self.error(f"unexpected {token[1]!r}")
        following = self.peek()
        if following == ("op", "("):
            raise UnsupportedExpression(f"function call {token[1]}() in $[{self.expr}]")
        kind = _Kind.NUMERIC if token[0] == "number" else _Kind.STRING
        return _Value(kind, token[1])


def _truthy_compl(value: _Value) -> bool:
    """op_compl's view of its operand: 0, "", "0" are false, else atoi() of a string."""
    if value.kind is _Kind.NUMBER:
        return value.number != 0
    if value.text in ("", "0"):
        return False
    digits = re.match(r"\s*[+-]?\d+", value.text)
    return bool(digits and int(digits.group()))


def evaluate(expr: str) -> str:
    """The text Asterisk substitutes for `$[expr]` (expr already variable-substituted).

    Raises ExpressionSyntaxError where Asterisk logs a syntax error (and substitutes 0).
    """
    # Asterisk scans bytes: UTF-8 text is parsed as latin-1 characters and turned back.
    value = _Parser(expr.encode("utf-8").decode("latin-1")).parse()
    return "" if value is None else _as_text(value).encode("latin-1").decode("utf-8")


def _closing(text: str, start: int, opening: str, closing: str) -> int:
    """Index of the bracket closing the one opened just before `start` (nesting counted)."""
    depth = 1
    for index in range(start, len(text)):
        if text[index] == opening:
            depth += 1
        elif text[index] == closing:
            depth -= 1
            if depth == 0:
                return index
    raise ExpressionSyntaxError(f"unclosed {opening!r} in {text!r}")


Lookup = Callable[[str], str]


def substitute(text: str, lookup: Lookup, *, strict: bool = False) -> str:
    """Replace `${name}` by `lookup(name)` and `$[expr]` by its value, innermost first,
    as pbx_substitute_variables_helper does. `lookup` gets the substituted inner text
    (`DB(callhours/team-a)`, `EPOCH`) and returns "" for what is not set.

    A syntax error in an expression gives "0" (Asterisk's warning and result), or raises
    ExpressionSyntaxError if `strict`.
    """
    out: list[str] = []
    index = 0
    while index < len(text):
        if text.startswith("${", index):
            end = _closing(text, index + 2, "{", "}")
            out.append(lookup(substitute(text[index + 2 : end], lookup, strict=strict)))
            index = end + 1
        elif text.startswith("$[", index):
            end = _closing(text, index + 2, "[", "]")
            inner = substitute(text[index + 2 : end], lookup, strict=strict)
            try:
                out.append(evaluate(inner))
            except ExpressionSyntaxError:
                if strict:
                    raise
                out.append("0")
            index = end + 1
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def is_true(condition: str) -> bool:
    """pbx_checkcondition(): empty is false, a leading integer is its truth, text is true."""
    if condition.strip() == "":
        return False
    digits = re.match(r"\s*[+-]?\d+", condition)
    return bool(int(digits.group())) if digits else True
