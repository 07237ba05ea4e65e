"""derive.parser: characters that are not math are refused before Python's tokenizer reads
them.  Python itself would drop a comment (``x # é``, which then became part of φ's name and
put non-ASCII text in JSON), join lines at a backslash, and read the fullwidth ``ｘ`` as ``x``."""

import pytest

from derive.parser import parse_activation, parse_formula
from tests.check_cases import assert_bad_input, run
from tests.parser_checks import assert_one_line

REFUSED = [
    ("comment", "x # anything", "'#' (a comment) at position 3"),
    ("comment-non-ascii", "tanh(x) # \u00e9t\u00e9", "'#' (a comment) at position 9"),
    ("comment-alone", "#x", "'#' (a comment) at position 1"),
    ("continuation", "x +\\\n 1", "'\\\\' (a line continuation) at position 4"),
    ("semicolon", "x; 1", "';' (a statement separator) at position 2"),
    ("newline-in-parentheses", "(x\n+ 1)", "'\\n' (a line break) at position 3"),
    ("carriage-return", "(x\r+ 1)", "'\\r' (a line break) at position 3"),
    ("fullwidth-x", "\uff58/(1+Abs(\uff58))",
     "'\uff58' (U+FF58: formulas are ASCII) at position 1"),
    ("greek", "tanh(\u03b1)", "'\u03b1' (U+03B1: formulas are ASCII) at position 6"),
    ("superscript-two", "x\u00b2", "'\u00b2' (U+00B2: formulas are ASCII) at position 2"),
    ("nbsp", "x\u00a0+ 1", "'\\xa0' (U+00A0: formulas are ASCII) at position 2"),
    ("quote", "x + 'a'", "\"'\" at position 5"),
    ("comparison", "x < 1", "'<' at position 3"),
]


@pytest.mark.parametrize("text,expected", [pytest.param(t, e, id=name) for name, t, e in REFUSED])
def test_parse_formula_refuses_characters_that_are_not_math(text, expected):
    with pytest.raises(ValueError) as info:
        parse_formula(text)
    assert_one_line(info.value)
    assert f"activation formula may not contain {expected};" in str(info.value)


def test_parse_activation_refuses_a_comment_that_python_would_drop():
    import ast

    assert ast.dump(ast.parse("x # \u00e9", mode="eval")) == ast.dump(ast.parse("x", mode="eval"))
    with pytest.raises(ValueError, match="comment"):
        parse_activation("x/(1+Abs(x)) # softsign, \u00e9t\u00e9")


@pytest.mark.parametrize("text,name", [(" 0.5*x\n", "0.5*x"), ("1.5e-1 *\tx", "1.5e-1 *\tx")])
def test_parse_activation_still_accepts_blanks_and_exponents(text, name):
    act = parse_activation(text)
    assert act.name == name and act.name.isascii()


def test_derive_cli_refuses_a_formula_with_a_comment(capsys):
    status, out, err = run(capsys, "derive", "--formula", "x # \u00e9t\u00e9", "--hidden", "1",
                           "--steps", "2", "--format", "json")
    assert_bad_input(status, out, err)
    assert "may not contain '#' (a comment)" in err
