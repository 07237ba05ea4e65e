"""The LaTeX printer's notation: transpose and matrix power never look alike."""

import sympy as sp

from derive.notation import T, k, latex

W = sp.MatrixSymbol("W_hh", 2, 2)


def test_latex_transpose_is_top_and_power_is_parenthesised():
    assert latex(W.T) == r"W_{hh}^{\top}"
    assert latex(W**T) == r"\left(W_{hh}\right)^{T}"
    assert latex(W**k) == r"\left(W_{hh}\right)^{k}"
    assert latex(W.T) != latex(W**T).replace(r"\left(", "").replace(r"\right)", "")


def test_latex_transpose_of_a_product_is_parenthesised():
    h = sp.MatrixSymbol("h", 2, 1)
    assert latex(sp.Transpose(W * h)) == r"\left(W_{hh} h\right)^{\top}"
