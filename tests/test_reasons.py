"""Reasons typeset with their math in math mode, and concrete weights shown as a verdict."""

import re

import pytest
import sympy as sp

import derive
from derive.latex import Step, escape_text, reason
from derive.notation import partial

MATHY = re.compile(r"_|phi|gamma|\||[<>]")
NAMES = ("tanh", "identity", "relu", "leaky_relu", "softplus", "silu")  # silu: numeric gamma


def test_reason_keeps_text_and_typesets_sympy_objects():
    text, tex, _ = reason("back through ", sp.MatrixSymbol("W_hh", 2, 2).T)
    assert text == "back through Wₕₕᵀ"
    assert tex == r"back through $W_{hh}^{\top}$"


def test_step_uses_reason_tex_only_in_latex():
    L, h_k, g_k = sp.symbols("L h_k g_k")
    step = Step(sp.Eq(sp.Symbol("x"), 1), *reason(g_k, " is ", partial(L, h_k)))
    assert step.to_latex().endswith(r"\tag*{\small $g_{k}$ is $\frac{\partial L}{\partial h_{k}}$}")
    assert step.reason == "gₖ is ∂L/∂hₖ"


def test_reason_inline_forms_are_readable():
    """Parts whose pretty form takes several lines get a linear form, not SymPy's repr."""
    n = sp.Symbol("n")
    member = sp.Contains(sp.Symbol("J_k"), sp.matrices.MatrixSet(n, n, sp.S.Reals),
                         evaluate=False)
    assert reason("", member)[0] == "Jₖ ∈ ℝ^(n×n)"
    assert reason("", partial(sp.Symbol("L"), sp.Symbol("h_k")))[0] == "∂L/∂hₖ"


def _rnn(name, weights, n):
    given = {} if weights is None else {"W_hh": [[weights] * n] * n}
    return derive.RNN(n, activation=name, **given)


def _text_mode(tex, name):
    """The text-mode parts of a reason's LaTeX, without the activation's (escaped) name."""
    return re.sub(r"\$[^$]*\$", " ", tex).replace(escape_text(name), " ")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("weights", [None, 0.5, 2])
@pytest.mark.parametrize("n", [1, 2, 8])
def test_derivation_reasons_have_no_math_in_text_mode(name, weights, n):
    """Every reason that mentions a symbol (underscore, phi, gamma, |.|, n > 6, or any
    non-ASCII character of the pretty printer) has math-mode LaTeX with no math left in its
    text, for the scalar, the small and the large (entries not shown) RNN, symbolic and
    concrete weights."""
    rnn = _rnn(name, weights, n)
    for step in derive.derivation(rnn, 3).steps:
        mathy = MATHY.search(step.reason.replace(name, " ")) or not step.reason.isascii()
        if step.reason_tex is None:
            assert not mathy, step.reason
            continue
        text = _text_mode(step.reason_tex, name)
        assert not MATHY.search(text.replace(r"\_", "")), step.reason_tex
        assert "$" in step.reason_tex or not mathy, step.reason_tex


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("weights", [None, 0.5])
@pytest.mark.parametrize("n", [1, 2, 8])
def test_derivation_no_reason_tex_missing_where_text_has_math(name, weights, n):
    for step in derive.derivation(_rnn(name, weights, n), 3, expanded=n == 1).steps:
        assert step.reason_tex is not None or not re.search(r"_|phi|gamma|\||<|>", step.reason), \
            step.reason


def test_derivation_norm_of_diagonal_names_its_index():
    tex = derive.derivation(derive.RNN(2), 3).to_latex()
    assert r"\max_{i} \left|\varphi'\left(a_{k,i}\right)\right|" in tex
    assert r"\max_{i} \left|\varphi'\left(a_{k}\right)\right|" not in tex


@pytest.mark.parametrize("w, shown, says", [
    (sp.Rational(1, 2), r"\frac{1}{2} &< 1", "vanishing guaranteed; exploding impossible"),
    (2, r"2 &> 1", "undetermined: necessary for exploding, not sufficient"),
    (1, r"1 &= 1", "undetermined: on the boundary"),
])
def test_derivation_concrete_weights_print_a_verdict(w, shown, says):
    """tanh, n = 1: γσ = |w| evaluated and compared with 1; no implication with numbers."""
    tex = derive.derivation(derive.RNN(1, activation="tanh", W_hh=[[w]]), 3).to_latex()
    assert shown in tex and f"for these weights: {says}" in tex
    assert r"\Rightarrow" not in tex


def test_derivation_symbolic_weights_keep_the_implications():
    tex = derive.derivation(derive.RNN(1, activation="tanh"), 3).to_latex()
    assert tex.count(r"\Rightarrow") == 2 and "necessary (not sufficient) for exploding" in tex
