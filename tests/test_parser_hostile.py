"""derive.parser: hostile text (and formulas not real-continuous on the real line) is refused
with a one-line ValueError and nothing runs; resource-hostile text finishes in a subprocess
under a deadline."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from derive.activations import Z
from derive.parser import MAX_LENGTH, parse_activation
from tests.parser_checks import assert_one_line as _assert_one_line

REPO = Path(__file__).resolve().parents[1]


# --- 1. hostile strings ------------------------------------------------------------------------

HOSTILE = [
    ("import-os-system", "__import__('os').system('touch PWNED')"),
    ("import-os-system-plus-x", "x + __import__('os').system('touch PWNED')"),
    ("os-system-bare", "os.system('touch PWNED')"),
    ("attribute-chain", "x.__class__.__mro__"),
    ("subclasses", "().__class__.__bases__[0].__subclasses__()"),
    ("function-globals", "tanh.__globals__"),
    ("attribute-call", "sympy.exp(x)"),
    ("attribute-on-call", "tanh(x).func"),
    ("dunder-builtins", "__builtins__"),
    ("dunder-name-plus-x", "x + __name__"),
    ("lambda", "lambda: __import__('os')"),
    ("lambda-called", "(lambda x: x)(x)"),
    ("subscript", "x[0]"),
    ("slice", "x[0:1]"),
    ("list", "[x]"),
    ("tuple", "(x, x)"),
    ("set", "{x}"),
    ("dict", "{x: x}"),
    ("list-comprehension", "[x for x in (1, 2)]"),
    ("set-comprehension", "{x for x in (1, 2)}"),
    ("dict-comprehension", "{x: x for x in (1, 2)}"),
    ("generator", "(x for x in (1, 2))"),
    ("string", "'touch PWNED'"),
    ("string-plus-x", "x + 'a'"),
    ("bytes", "b'x'"),
    ("f-string", "f'{x}'"),
    ("f-string-import", "f\"{__import__('os').system('touch PWNED')}\""),
    ("eval", "eval('1')"),
    ("eval-x", "eval('x')"),
    ("exec", "exec(\"open('PWNED', 'w')\")"),
    ("open", "open('PWNED', 'w')"),
    ("compile", "compile('1', 'f', 'eval')"),
    ("getattr", "getattr(x, 'real')"),
    ("globals", "globals()"),
    ("breakpoint", "breakpoint()"),
    ("import-statement", "import os"),
    ("statement-sequence", "x; __import__('os').system('touch PWNED')"),
    ("newline-statement", "x\n__import__('os').system('touch PWNED')"),
    ("walrus", "(y:=1)"),
    ("walrus-x", "(x:=1) + x"),
    ("keyword-arg", "tanh(x=1)"),
    ("keyword-arg-extra", "tanh(x, evaluate=False)"),
    ("starred-arg", "tanh(*[x])"),
    ("double-starred-arg", "max(x, **{})"),
    ("comparison", "x < 1"),
    ("equality", "x == x"),
    ("is", "x is x"),
    ("boolean-and", "x and 1"),
    ("boolean-or", "x or 1"),
    ("not", "not x"),
    ("if-expression", "x if x else 1"),
    ("await", "await x"),
    ("yield", "(yield x)"),
    ("ellipsis", "..."),
    ("none", "None"),
    ("true", "True * x"),
    ("huge-exponent", "9**9**9**9"),
    ("huge-exponent-x", "x**9**9"),
    ("huge-negative-exponent", "x**-(9**9)"),
    ("huge-literal", "123456789012345678901234567890*x"),
    ("huge-literal-underscored", "1_000_000_000_000*x"),
    ("huge-float-literal", "1e400*x"),
    ("complex-literal", "1j"),
    ("complex-literal-x", "x + 1j"),
    ("too-long", "x" + "+0" * MAX_LENGTH),
    ("deep-parentheses", "(" * 200 + "x" + ")" * 200),
    ("deep-unary-minus", "-" * 300 + "x"),
    ("deep-calls", "tanh(" * 100 + "x" + ")" * 100),
    ("two-variables", "x+y"),
    ("two-variables-in-call", "tanh(x) + sin(z)"),
    ("no-variable", "1+2"),
    ("only-constants", "pi + E"),
    ("empty", ""),
    ("blank", "   "),
    ("null-byte", "x\x00"),
    ("null-byte-inside", "tanh(\x00x)"),
    ("uncalled-function", "tanh"),
    ("uncalled-function-plus-x", "tanh + x"),
    ("call-of-call", "exp(x)(x)"),
    ("non-whitelisted-call", "foo(x)"),
    ("non-whitelisted-builtin", "type(x)"),
    ("sympify-call", "sympify('x')"),
    ("wrong-arity", "tanh(x, x)"),
    ("too-few-max-args", "max(x)"),
    ("modulo", "x % 2"),
    ("floor-division", "x // 2"),
    ("matmul", "x @ x"),
    ("bitwise", "x ^ 2"),
    ("invert", "~x"),
    ("non-ascii-name", "\u00e9 + 1"),
    ("long-name", "abcdefghij + 1"),
    ("underscore-name", "_ + 1"),
]


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in HOSTILE])
def test_parse_activation_rejects_hostile(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError) as info:
        parse_activation(text)
    _assert_one_line(info.value)
    assert list(tmp_path.iterdir()) == [], "a file was created"
    assert not (tmp_path / "PWNED").exists()
    assert not (REPO / "PWNED").exists()


def test_parse_activation_hostile_list_is_long_enough():
    assert len(HOSTILE) >= 25
    assert len({text for _, text in HOSTILE}) == len(HOSTILE)


def test_parse_activation_rejects_non_string():
    for value in (None, 1, 1.5, b"x", ["x"], Z):
        with pytest.raises(ValueError) as info:
            parse_activation(value)
        _assert_one_line(info.value)


# Hostile strings that exhaust time or memory: run in a subprocess with a deadline (and a memory
# cap) so a hang fails the test instead of the whole suite.
RESOURCE_HOSTILE = [
    # Each exponent is a literal <= 64, but the base is itself a power: 9**(64**5), ~10**9 digits.
    ("power-tower", "((((9**64)**64)**64)**64)**64*x"),
    # exp of a literal <= 10**6 nested once: evalf needs exp(10**6) to ~434,000 digits.
    ("exp-tower", "exp(exp(1000000))*x"),
]
RESOURCE_DEADLINE = 10  # seconds, including interpreter start and the SymPy import (~0.5 s)
_CHILD = """\
import resource
import sys
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))  # before anything allocates
from derive.activations import Activation
from derive.parser import parse_activation
try:
    result = parse_activation(sys.argv[1])
except ValueError as err:
    print("ValueError", len(str(err).splitlines()))
else:
    print("Activation" if isinstance(result, Activation) else type(result).__name__)
"""


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in RESOURCE_HOSTILE])
def test_parse_activation_resource_hostile_finishes_quickly(text, tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    try:
        out = subprocess.run([sys.executable, "-c", _CHILD, text], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=RESOURCE_DEADLINE)
    except subprocess.TimeoutExpired:
        pytest.fail(f"parse_activation({text!r}) still running after {RESOURCE_DEADLINE} s")
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() in (["ValueError", "1"], ["Activation"]), out.stdout
    assert list(tmp_path.iterdir()) == []


# --- 5. not real-continuous on the real line ---------------------------------------------------

@pytest.mark.parametrize("text", ["log(x)", "sqrt(x)", "1/x", "x**0.5", "x**-2", "1/(x - 1)",
                                  "x**(1/3)", "log(Abs(x))", "1/tanh(x)", "x**x"])
def test_parse_activation_rejects_discontinuous(text):
    with pytest.raises(ValueError) as info:
        parse_activation(text)
    _assert_one_line(info.value)
