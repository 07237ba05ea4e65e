"""derive.parser: hostile text is refused with a one-line ValueError and nothing runs; legitimate
formulas give φ' (checked by central differences) and γ_φ (checked against independent values:
hand-derived closed forms and mpmath roots of φ'')."""

import functools
import os
import random
import subprocess
import sys
from pathlib import Path

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.activations import Activation, Z
from derive.parser import MAX_LENGTH, parse_activation

REPO = Path(__file__).resolve().parents[1]


@functools.cache
def _parsed(text):
    """parse_activation, cached: several tests look at the same legitimate formulas."""
    return parse_activation(text)


def _assert_one_line(err):
    message = str(err)
    assert message, "ValueError without a message"
    assert len(message.splitlines()) == 1 and "\n" not in message and "\r" not in message, (
        f"message is not one line: {message!r}")


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
import sys
from derive.activations import Activation
from derive.parser import parse_activation
try:
    result = parse_activation(sys.argv[1])
except ValueError as err:
    print("ValueError", len(str(err).splitlines()))
else:
    print("Activation" if isinstance(result, Activation) else type(result).__name__)
"""


def _limit_memory():  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in RESOURCE_HOSTILE])
def test_parse_activation_resource_hostile_finishes_quickly(text, tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    try:
        out = subprocess.run([sys.executable, "-c", _CHILD, text], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=RESOURCE_DEADLINE,
                             preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"parse_activation({text!r}) still running after {RESOURCE_DEADLINE} s")
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() in (["ValueError", "1"], ["Activation"]), out.stdout
    assert list(tmp_path.iterdir()) == []


# --- 2. fuzzing: an Activation or a ValueError, nothing else -----------------------------------

FORMULA_ALPHABET = "xz0123456789.+-*/()_ eaptnhsbAMlgqrf,"


def _activation_or_value_error(text):
    try:
        result = parse_activation(text)
    except ValueError as err:
        _assert_one_line(err)
    else:
        assert isinstance(result, Activation)


def _fuzz(strategy, max_examples):
    """Run the property on ``max_examples`` draws of ``strategy``.

    The @given function is called from a plain test rather than collected itself, so that a
    failure does not make hypothesis' pytest plugin write a patch file under .hypothesis/; the
    falsifying example still appears in the failure report.
    """

    @settings(max_examples=max_examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def check(text):
        _activation_or_value_error(text)

    check()


def test_parse_activation_fuzz_any_text():
    _fuzz(st.text(), 2500)


def test_parse_activation_fuzz_formula_like_text():
    _fuzz(st.text(alphabet=FORMULA_ALPHABET, max_size=40), 1000)


def test_parse_activation_fuzz_long_formula_like_text():
    _fuzz(st.text(alphabet=FORMULA_ALPHABET, min_size=MAX_LENGTH - 20, max_size=MAX_LENGTH + 20),
          300)


# Inputs the fuzzers (and a grammar-based fuzz run) found; kept as explicit regressions.
FUZZ_FINDINGS = [
    "x", "+x", "1*x", "x+0", "max(x, x)",  # φ = z exactly
    "2**x", "3**x", "pi**x",  # a constant base to the power z
    "min(0.5, sech(min(3, x))**2.5)",  # found by a grammar-based fuzz run
]


@pytest.mark.parametrize("text", FUZZ_FINDINGS)
def test_parse_activation_fuzz_findings_activation_or_value_error(text):
    _activation_or_value_error(text)


# --- 3. legitimate formulas: γ_φ against independent values, φ' against differences ------------

EXACT_GAMMA = [
    ("x/(1+Abs(x))", sp.Integer(1)),
    ("tanh(2*x)", sp.Integer(2)),
    ("0.5*x", sp.Rational(1, 2)),
    ("1/(1+exp(-x))", sp.Rational(1, 4)),
    ("exp(-x**2)", sp.sqrt(2) * sp.exp(-sp.Rational(1, 2))),
]
SILU = "x*sigmoid(x)"
ACCEPTED = [text for text, _ in EXACT_GAMMA] + [SILU, "tanh(u)", "a/(1+Abs(a))", "max(z, 0)"]


@pytest.mark.parametrize("text,expected", EXACT_GAMMA)
def test_parse_activation_gamma_exact(text, expected):
    act = _parsed(text)
    assert isinstance(act, Activation)
    assert act.gamma_exact
    assert sp.simplify(act.gamma - expected) == 0
    assert not any(isinstance(a, sp.Float) for a in sp.preorder_traversal(act.gamma))


def test_parse_activation_gamma_exact_types():
    assert _parsed("x/(1+Abs(x))").gamma == sp.Integer(1)
    assert isinstance(_parsed("x/(1+Abs(x))").gamma, sp.Integer)
    assert _parsed("tanh(2*x)").gamma == sp.Integer(2)
    half = _parsed("0.5*x").gamma
    assert isinstance(half, sp.Rational) and not isinstance(half, sp.Float)
    assert half == sp.Rational(1, 2)
    assert _parsed("0.5*x").phi == Z / 2
    assert _parsed("1/(1+exp(-x))").gamma == sp.Rational(1, 4)


def test_parse_activation_gamma_gaussian_against_mpmath():
    act = _parsed("exp(-x**2)")
    with mpmath.workdps(30):
        # φ' = -2z exp(-z²), φ'' = (4z² - 2) exp(-z²); |φ'| → 0 at ±∞.
        root = mpmath.findroot(lambda z: (4 * z**2 - 2) * mpmath.exp(-z**2), 0.6)
        gamma = max(abs(-2 * r * mpmath.exp(-r**2)) for r in (root, -root))
        assert abs(root - 1 / mpmath.sqrt(2)) < mpmath.mpf("1e-25")
        assert abs(mpmath.mpf(str(act.gamma.evalf(40))) - gamma) < mpmath.mpf("1e-25")


def _silu_gamma_mpmath():
    """Independent oracle at 50 dps: roots of φ''(z) = σ(1-σ)(2 + z(1-2σ)); limits of φ'."""
    with mpmath.workdps(50):
        def sigma(z):
            return 1 / (1 + mpmath.exp(-z))

        def d1(z):
            return sigma(z) * (1 + z * (1 - sigma(z)))

        def d2(z):
            s = sigma(z)
            return s * (1 - s) * (2 + z * (1 - 2 * s))

        roots = [mpmath.findroot(d2, start) for start in (2.4, -2.4)]
        assert all(abs(d2(r)) < mpmath.mpf("1e-45") for r in roots)
        assert abs(roots[0] + roots[1]) < mpmath.mpf("1e-40")  # z·tanh(z/2) = 2 is even
        # φ'(+∞) = 1, φ'(-∞) = 0
        return max([abs(d1(r)) for r in roots] + [mpmath.mpf(1), mpmath.mpf(0)])


def test_parse_activation_gamma_silu_against_mpmath():
    act = _parsed(SILU)
    assert not act.gamma_exact
    assert isinstance(act.gamma, sp.Float)
    gamma = _silu_gamma_mpmath()
    with mpmath.workdps(50):
        assert abs(mpmath.mpf(str(act.gamma)) - gamma) < mpmath.mpf("1e-25")
    assert abs(float(act.gamma) - 1.0998393201288669) < 1e-15


@pytest.mark.parametrize("text", ACCEPTED)
def test_parse_activation_dphi_matches_central_difference(text):
    act = _parsed(text)
    rng = random.Random(0)
    step = sp.Rational(1, 10**6)
    for _ in range(20):
        point = sp.Rational(rng.uniform(-4, 4))  # exact, so evalf controls all the rounding
        derivative = act.derivative_at(point).evalf(30)
        difference = ((act.at(point + step) - act.at(point - step)) / (2 * step)).evalf(30)
        assert derivative.is_real and difference.is_real
        assert abs(derivative - difference) <= 1e-6 * abs(difference) + 1e-8, (text, point)


@pytest.mark.parametrize("text", ACCEPTED)
def test_parse_activation_analytic_flag(text):
    non_analytic = any(name in text for name in ("Abs", "max", "min"))
    assert _parsed(text).analytic is not non_analytic


# --- 4. variable names -------------------------------------------------------------------------

@pytest.mark.parametrize("variable", ["z", "x", "a", "u"])
def test_parse_activation_variable_names(variable):
    act = parse_activation(f"{variable}/(1 + Abs({variable}))")
    assert act.phi == Z / (1 + sp.Abs(Z))
    assert act.phi.free_symbols == {Z} and act.dphi.free_symbols <= {Z}
    assert act.variable is Z and Z.is_real
    assert act.gamma == 1


@pytest.mark.parametrize("variable", ["z", "x", "a", "u"])
def test_parse_activation_bare_variable_is_identity(variable):
    act = parse_activation(variable)
    assert act.phi == Z
    assert act.gamma == 1 and act.gamma_exact


def test_parse_activation_name():
    assert parse_activation("  tanh(2*x) ").name == "tanh(2*x)"
    assert parse_activation("tanh(2*x)", name="tanh2").name == "tanh2"


# --- 5. not real-continuous on the real line ---------------------------------------------------

@pytest.mark.parametrize("text", ["log(x)", "sqrt(x)", "1/x", "x**0.5", "x**-2", "1/(x - 1)",
                                  "x**(1/3)", "log(Abs(x))", "1/tanh(x)", "x**x"])
def test_parse_activation_rejects_discontinuous(text):
    with pytest.raises(ValueError) as info:
        parse_activation(text)
    _assert_one_line(info.value)
