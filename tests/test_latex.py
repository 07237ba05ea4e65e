"""derive.latex and derive.derivations: exact strings for tiny cases, content from SymPy."""

import json

import pytest
import sympy as sp

import derive
from derive.latex import Derivation, Step, escape_text
from derive.notation import latex


def test_step_to_latex_exact_string():
    a, b = sp.symbols("a b")
    assert Step(sp.Eq(a, b / 2), "why").to_latex() == r"a &= \frac{b}{2} \tag*{\small why}"
    assert Step(sp.Le(a, b), "r").to_latex() == r"a &\leq b \tag*{\small r}"
    assert Step(sp.Implies(a < 1, b > 2), "r").to_latex() == \
        r"&a < 1 \Rightarrow b > 2 \tag*{\small r}"


def test_derivative_prints_as_partial_fraction():
    h_k, h_km1 = sp.MatrixSymbol("h_k", 2, 1), sp.MatrixSymbol("h_{k-1}", 2, 1)
    assert latex(sp.Derivative(h_k, h_km1, evaluate=False)) == \
        r"\frac{\partial h_{k}}{\partial h_{k-1}}"


@pytest.mark.parametrize("text, expected", [
    ("50% of a_b & #1", r"50\% of a\_b \& \#1"),
    ("|x| <= {y}", r"$|$x$|$ $<$= \{y\}"),
    ("~^\\", r"\textasciitilde{}\textasciicircum{}\textbackslash{}"),
])
def test_escape_text(text, expected):
    assert escape_text(text) == expected


def test_escape_text_refuses_non_ascii():
    with pytest.raises(ValueError, match="ASCII"):
        escape_text("γ")


def test_document_is_standalone_and_repr_latex():
    d = Derivation("T", (Step(sp.Eq(sp.Symbol("x"), 1), "r"),))
    doc = d.document()
    assert doc.startswith(r"\documentclass") and doc.rstrip().endswith(r"\end{document}")
    assert r"\usepackage{amsmath,amssymb}" in doc and "\\begin{align*}" in doc
    assert d._repr_latex_().startswith("$\\displaystyle") and "aligned" in d._repr_latex_()


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "identity", "gelu", "silu"])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_derivation_shows_the_derived_objects(name, n):
    rnn = derive.RNN(n, activation=name)
    d = derive.derivation(rnn, 4)
    tex = d.to_latex()
    assert all(isinstance(step.relation, sp.Basic) for step in d.steps)
    assert latex(rnn.activation.dphi) in tex
    assert latex(rnn.activation.gamma) in tex
    assert latex(derive.step_jacobian(rnn, 4, local=True)) in tex
    assert "D_{4} W_{hh} D_{3} W_{hh} D_{2} W_{hh} D_{1} W_{hh}" in tex
    assert r"\sum_{k=1}^{T}" in tex


def test_derivation_scalar_concrete_identity_bound_and_verdict():
    rnn = derive.RNN(1, activation="identity", W_hh=[[1.5]])
    tex = derive.derivation(rnn, 100).to_latex()
    assert latex(sp.Rational(3, 2) ** 100) in tex          # the exact bound (3/2)^100
    assert r"\prod_{k=1}^{100} {J}_{k}" in tex             # long products are written as ∏
    assert "for these weights: exploding" in tex
    assert r"\rho" in tex


def test_derivation_scalar_symbolic_tanh_solves_for_w():
    tex = derive.derivation(derive.RNN(1, activation="tanh"), 3).to_latex()
    assert r"-1 < w \wedge w < 1" in tex


def test_derivation_sigmoid_scalar_condition_is_four():
    d = derive.derivation(derive.RNN(1, activation="sigmoid"), 3)
    conditions = [s.relation for s in d.steps if s.reason.startswith("the vanishing condition")]
    assert len(conditions) == 1
    w = sp.Symbol("w", real=True)
    truth = [bool(conditions[0].subs(w, v)) for v in (-4.5, -3.9, 0, 3.9, 4, 4.5)]
    assert truth == [False, True, True, True, False, False]


def test_derivation_expanded_and_guard():
    rnn = derive.RNN(2, activation="tanh")
    d = derive.derivation(rnn, 2, expanded=True)
    assert any(s.reason.startswith("expanded") for s in d.steps)
    with pytest.raises(derive.ExpressionTooLarge):
        derive.derivation(derive.RNN(3), 20, expanded=True)


def test_derivation_is_deterministic_and_json_ready():
    rnn = derive.RNN(2, activation="relu", W_hh=[[0.5, 0.1], [0, 0.25]])
    first, second = derive.derivation(rnn, 3), derive.derivation(rnn, 3)
    assert first.to_latex() == second.to_latex() and first.to_json() == second.to_json()
    data = json.loads(first.to_json())
    assert data["steps"][0]["latex"].startswith("a_{k} =")
    assert "for these weights: vanishing" in first.to_text()


def test_derivation_bad_T():
    with pytest.raises(ValueError, match="T must be >= 1"):
        derive.derivation(derive.RNN(2), 0)
