"""The LaTeX printer's notation: transpose and matrix power never look alike."""

import pytest
import sympy as sp

import derive
from derive import notation
from derive.notation import T, k, latex

W = sp.MatrixSymbol("W_hh", 2, 2)


def test_latex_transpose_is_top_and_a_power_of_t_is_parenthesised():
    assert latex(W.T) == r"W_{hh}^{\top}"
    assert latex(W**T) == r"\left(W_{hh}\right)^{T}"
    assert latex(W**(T - 1)).startswith(r"\left(W_{hh}\right)^{")
    assert latex(W.T) != latex(W**T).replace(r"\left(", "").replace(r"\right)", "")
    A = sp.MatrixSymbol("A", 2, 2)   # a one-letter matrix needs no parentheses: A^k, A^⊤
    assert latex(A**k) == "A^{k}" and latex(A.T) == r"A^{\top}"


def test_latex_other_powers_of_a_symbol_are_bare():
    """The referee found (A)^k and ‖(W_hh)^k‖ needlessly parenthesised: only an exponent with
    T could pass for a transpose, and only a product needs its parentheses."""
    A = sp.MatrixSymbol("A", 2, 2)
    assert latex(A**k) == "A^{k}" and latex(W**k) == "W_{hh}^{k}"
    assert latex((W * A)**k) == r"\left(W_{hh} A\right)^{k}"


def test_latex_norm_to_a_power_has_no_parentheses():
    """‖h_T − y‖₂², not (‖h_T − y‖₂)²; other display functions keep theirs (φ(x) squared)."""
    h = sp.MatrixSymbol("h", 2, 1)
    x = sp.Symbol("x")
    assert latex(notation.norm2(h)**2) == r"\left\| h \right\|_{2}^{2}"
    assert latex(notation.norm(W**k)**(1 / k)) == r"\left\| W_{hh}^{k} \right\|^{\frac{1}{k}}"
    assert latex(notation.phi(x)**2) == r"\left(\varphi\left(x\right)\right)^{2}"


def test_latex_transpose_of_a_product_is_parenthesised():
    h = sp.MatrixSymbol("h", 2, 1)
    assert latex(sp.Transpose(W * h)) == r"\left(W_{hh} h\right)^{\top}"


@pytest.mark.parametrize("name, n, T, expanded", [("tanh", 2, 3, True), ("softplus", 8, 3, False),
                                                  ("relu", 1, 4, True)])
def test_latex_cached_derivation_is_byte_identical_to_the_uncached_printer(
        name, n, T, expanded, monkeypatch):
    """The memoised printer used by line breaking and Step.lines changes no byte, and is used."""
    import derive.breaking
    import derive.latex
    from derive.notation import _latex_memo

    rnn = derive.RNN(n, activation=name)
    before = _latex_memo.cache_info().hits
    cached = derive.derivation(rnn, T, expanded=expanded).to_latex()
    assert _latex_memo.cache_info().hits > before
    for module in (derive.breaking, derive.latex):
        monkeypatch.setattr(module, "latex", notation.latex)
    assert derive.derivation(rnn, T, expanded=expanded).to_latex() == cached


def test_relation_ops_one_table_for_alignment_and_breaking():
    """Step alignment and line breaking use the same relation table (≠ included)."""
    import derive.breaking
    import derive.latex

    assert derive.breaking.RELATION_OPS is derive.latex.RELATION_OPS is notation.RELATION_OPS
    long_sum = sp.Add(*sp.symbols("x_1:40"))
    lines = derive.breaking.break_lines(sp.Ne(long_sum, long_sum + 1, evaluate=False), 300.0)
    assert any(line.startswith(r"\neq") for line in lines), lines


def test_display_chains_relations_that_share_a_side():
    """The referee found "c ≤ ‖·‖, ‖·‖ ≤ C": two inequalities sharing their middle print as
    one chain; relations running opposite ways, or not sharing a side, stay apart."""
    c, C, x = sp.symbols("c C x", positive=True)
    middle = notation.norm2(W)
    chained = derive.display_latex((sp.Le(c, middle, evaluate=False),
                                    sp.Le(middle, C, evaluate=False)))
    assert chained == r"c \leq \left\| W_{hh} \right\|_{2} \leq C"
    apart = derive.display_latex((sp.Le(c, x), sp.Ge(x, C)))
    assert apart == r"c \leq x, \qquad x \geq C"
    assert derive.display_latex((sp.Le(c, x), sp.Le(C, x))) == r"c \leq x, \qquad C \leq x"


def test_sums_do_not_open_with_a_minus_when_a_term_can_lead():
    """The referee found g_T = −y + h_T: a positive term leads (h_T − y, T − 1); a sum that
    opens with a positive number keeps its order (1 − tanh²)."""
    h, y = sp.MatrixSymbol("h_T", 2, 1), sp.MatrixSymbol("y", 2, 1)
    a = sp.Symbol("a")
    assert latex(h - y) == "h_{T} - y"
    assert latex(T - 1) == "T - 1"
    assert latex(1 - sp.tanh(a) ** 2) == r"1 - \tanh^{2}{\left(a \right)}"
    assert latex(-a - 1) == "-1 - a"
