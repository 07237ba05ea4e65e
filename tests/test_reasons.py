"""Reasons typeset with their math in math mode, and concrete weights shown as a verdict."""

import re

import pytest
import sympy as sp

import derive
from derive.latex import Step, escape_text, reason
from derive.reasons import typeset

MATHY = re.compile(r"_|phi|gamma|\||[<>]")


def test_reason_keeps_text_and_typesets_sympy_objects():
    text, tex = reason("back through ", sp.MatrixSymbol("W_hh", 2, 2).T)
    assert text == "back through W_hh.T"
    assert tex == r"back through $W_{hh}^{\top}$"


def test_step_uses_reason_tex_only_in_latex():
    step = typeset(Step(sp.Eq(sp.Symbol("x"), 1), "g_k is dL/dh_k"))
    assert step.to_latex().endswith(r"\tag*{\small $g_{k}$ is $\frac{\partial L}{\partial h_{k}}$}")
    assert step.reason == "g_k is dL/dh_k"


@pytest.mark.parametrize("name", ["tanh", "identity", "relu"])
@pytest.mark.parametrize("weights", [None, [[0.5]], [[2]]])
@pytest.mark.parametrize("n", [1, 2, 8])
def test_derivation_reasons_have_no_math_in_text_mode(name, weights, n):
    """Every reason that mentions a symbol (underscore, phi, gamma, |.|, n > 6) has math-mode
    LaTeX, for the scalar, the small and the large (entries not shown) RNN."""
    given = {} if weights is None else {"W_hh": [[weights[0][0]] * n] * n}
    rnn = derive.RNN(n, activation=name, **given)
    for step in derive.derivation(rnn, 3).steps:
        if step.reason_tex is None:
            assert not MATHY.search(step.reason), step.reason
        else:
            assert "$" in step.reason_tex and escape_text(step.reason) not in step.reason_tex


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
