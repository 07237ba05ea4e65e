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
    shown = d._repr_latex_()  # MathJax: no \tag inside aligned, no text-mode escapes
    assert shown.startswith("$$\\begin{aligned}") and shown.endswith("\\end{aligned}$$")
    assert "\\tag" not in shown and "\\small" not in shown


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "identity", "gelu", "silu"])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_derivation_shows_the_derived_objects(name, n):
    rnn = derive.RNN(n, activation=name)
    d = derive.derivation(rnn, 4)
    tex = "\n".join(step["latex"] for step in d.to_dict()["steps"])  # unbroken formulas
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
    assert r"-1 < w < 1" in tex   # the two relations of the And printed as one chain


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


FORBIDDEN_IN_TEXT = ("Eq(", "Derivative(", "Implies", "Limit(", "dir=", ".T", "gamma_varphi",
                     "Matrix(", "Piecewise(", "Contains(")


@pytest.mark.parametrize("name", derive.activation_names())
def test_derivation_text_is_pretty_unicode(name):
    """--format text is for people: SymPy's unicode pretty form, no SymPy repr tokens."""
    for n in (1, 2, 3):
        text = derive.derivation(derive.RNN(n, activation=name), 3).to_text()
        assert [t for t in FORBIDDEN_IN_TEXT if t in text] == []
        assert "(9) the activation gain\n    γᵩ = sup_z |φ′(z)|\n" in text
        assert "    Dₖ = diag(φ′(aₖ))\n" in text and "    Jₖ = Dₖ⋅Wₕₕ\n" in text
        assert "    ∂h₃\n    ─── = D₃⋅Wₕₕ⋅D₂⋅Wₕₕ⋅D₁⋅Wₕₕ\n    ∂h₀\n" in text


def test_derivation_text_pretty_blocks_for_matrices_and_limits():
    text = derive.derivation(derive.RNN(2, activation="softplus"), 3).to_text()
    assert "          ⎡w₁₁  w₁₂⎤\n    Wₕₕ = ⎢        ⎥\n          ⎣w₂₁  w₂₂⎦\n" in text
    assert "    lim │φ′(z)│ = γᵩ\n    z─→∞\n" in text
    assert "              T\n    gₖ₋₁ = Wₕₕ ⋅δₖ\n" in text


@pytest.mark.parametrize("name, where, limit", [
    ("relu", sp.Interval.open(0, sp.oo), False), ("hardtanh", sp.Interval.open(-1, 1), False),
    ("tanh", sp.FiniteSet(0), False), ("softplus", sp.S.EmptySet, True)])
def test_derivation_states_where_gamma_is_attained(name, where, limit):
    steps = derive.derivation(derive.RNN(1, activation=name), 2).steps
    sets = [s.relation.rhs for s in steps if isinstance(s.relation, sp.Eq)
            and isinstance(s.relation.lhs, sp.ConditionSet)]
    assert sets == [where]
    limits = [s for s in steps if isinstance(s.relation, sp.Eq)
              and isinstance(s.relation.lhs, sp.Limit) and s.relation.lhs.args[1].name == "z"]
    assert len(limits) == int(limit)
    assert "attained at z = " not in derive.derivation(derive.RNN(1, activation=name), 2).to_text()


def _symbols_named(expr):
    names = {str(a) for a in expr.atoms(sp.MatrixSymbol)}
    names |= {str(a.base) for a in expr.atoms(sp.Indexed)}
    return names


def _defined(step):
    relation = step.relation
    if isinstance(relation, (sp.Eq, sp.Contains)):
        return _symbols_named(relation.args[0])
    return set()


@pytest.mark.parametrize("n", [7, 20])
def test_derivation_large_n_defines_every_symbol_and_states_the_omission(n):
    """For n > 6 the entries are left out, saying so, and W_hh, W_xh, b_h, h_0, D_k and J_k
    are still defined: each before any use after the recurrence's first line (whose
    parameters the following lines define)."""
    d = derive.derivation(derive.RNN(n, activation="tanh"), 10)
    first_definition, first_use = {}, {}
    for index, step in enumerate(d.steps):
        for name in _defined(step):
            first_definition.setdefault(name, index)
        for name in _symbols_named(step.relation):
            first_use.setdefault(name, index) if index > 0 else None
    for name in ("W_hh", "W_xh", "b_h", "h_0", "D_k", "J", "a_k"):
        assert name in first_definition, name
        assert first_definition[name] <= first_use[name], name
    reasons = [s.reason for s in d.steps]
    assert f"recurrent weights, {n * n} entries (symbols), too many to show for n > 6" in reasons
    assert f"its entries: {n * n}, too many to show for n > 6" in reasons
    tex = d.to_latex()
    assert rf"W_{{hh}} &\in \mathbb{{R}}^{{{n} \times {n}}}" in tex
    assert r"{J}_{k} &= D_{k} W_{hh}" in tex
    assert r"\prod_{k=1}^{10} {J}_{k}" in tex


def test_derivation_large_n_with_given_weights_says_so():
    rnn = derive.RNN(7, activation="identity", W_hh=[[sp.Rational(1, 10)] * 7] * 7)
    reasons = [s.reason for s in derive.derivation(rnn, 2).steps]
    assert "recurrent weights, 49 entries (given numbers), too many to show for n > 6" in reasons


def test_step_to_latex_breaks_long_sums_within_the_budget():
    from derive.breaking import width

    x = sp.symbols("x_1:40")
    step = Step(sp.Eq(sp.Symbol("s"), sp.Add(*x), evaluate=False), "a long sum")
    lines = step.lines(200)
    assert len(lines) > 2 and lines[1].startswith(r"&\quad + ")
    assert lines[0].startswith("s &= ")
    assert all(width(line.split("&", 1)[-1].removeprefix("= ")) <= 200 for line in lines)
    joined = " ".join(line.replace("&", "").replace(r"\quad", "") for line in lines)
    assert joined.split() == ("s = " + latex(sp.Add(*x))).split()


@pytest.mark.parametrize("n", [1, 2])
def test_derivation_defines_no_symbol_by_itself(n):
    """With n = 1 the symbolic h_0 is the symbol h_0: the derivation says it is a free real
    symbol instead of printing the circular h_0 = (h_0)."""
    for step in derive.derivation(derive.RNN(n, activation="tanh"), 2).steps:
        relation = step.relation
        if isinstance(relation, sp.Eq):
            rhs = relation.rhs
            inner = rhs[0] if isinstance(rhs, sp.MatrixBase) and rhs.shape == (1, 1) else rhs
            assert str(inner) != str(relation.lhs), step
    tex = derive.derivation(derive.RNN(n, activation="tanh"), 2).to_latex()
    assert (r"h_{0} &\in \mathbb{R}" in tex) == (n == 1)
