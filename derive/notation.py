"""SymPy objects for the notation (a_k, h_k, D_k, J_k, γ_φ, ‖·‖) and the LaTeX printer for them.

The derivation's formulas are SymPy objects; these few display-only functions (‖·‖, diag, φ,
φ') give them the seeds' look when ``sympy.latex`` prints them, and ``latex`` prints partial
derivatives as ∂h_k/∂h_{k-1}.
"""

import sympy as sp
from sympy.printing.latex import LatexPrinter

k = sp.Symbol("k", integer=True, positive=True)
i = sp.Symbol("i", integer=True, nonnegative=True)
j = sp.Symbol("j", integer=True, nonnegative=True)
T = sp.Symbol("T", integer=True, positive=True)
z = sp.Symbol("z", real=True)
gamma_phi = sp.Symbol("gamma_varphi", positive=True)


class _Display(sp.Function):
    """A display-only function: ``template`` for LaTeX, ``text`` for plain text."""

    template = "%s"
    text = "%s"

    def _latex(self, printer, exp=None):
        tex = self.template.replace("%s", printer._print(self.args[0]))
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"

    def _sympystr(self, printer):
        return self.text.replace("%s", printer._print(self.args[0]))


class norm(_Display):  # noqa: N801 - reads as ‖x‖ in formulas
    """‖x‖ (spectral norm for matrices unless stated)."""

    template, text = r"\left\| %s \right\|", "||%s||"


class norm2(_Display):  # noqa: N801
    """‖x‖₂, the spectral norm σ_max written with its subscript."""

    template, text = r"\left\| %s \right\|_{2}", "||%s||_2"


class diag(_Display):  # noqa: N801
    """diag(v): the diagonal matrix with v on its diagonal."""

    template, text = r"\operatorname{diag}\left(%s\right)", "diag(%s)"


class phi(_Display):  # noqa: N801
    """φ(x), the activation applied elementwise."""

    template, text = r"\varphi\left(%s\right)", "phi(%s)"


class dphi(_Display):  # noqa: N801
    """φ'(x), the derivative of the activation applied elementwise."""

    template, text = r"\varphi'\left(%s\right)", "phi'(%s)"


class sup_abs(_Display):  # noqa: N801
    """sup_z |f(z)|."""

    template, text = r"\sup_{z} \left|%s\right|", "sup_z |%s|"


class max_abs(_Display):  # noqa: N801
    """max_i |v_i| over the entries of v."""

    template, text = r"\max_{i} \left|%s\right|", "max_i |%s|"


def vector(name, n=1):
    """A column vector symbol (n, 1), e.g. h_{k-1}."""
    return sp.MatrixSymbol(name, n, 1)


def partial(expr, wrt):
    """∂expr/∂wrt, unevaluated."""
    return sp.Derivative(expr, wrt, evaluate=False)


class _Printer(LatexPrinter):
    """SymPy's LaTeX printer with ∂ fractions for every derivative, ``^{\\top}`` for the
    transpose and a parenthesised base for matrix powers: W_hh^⊤ and (W_hh)^T never look alike.
    """

    def _print_Transpose(self, expr):
        base = self._print(expr.arg)
        return rf"{base}^{{\top}}" if expr.arg.is_symbol else rf"\left({base}\right)^{{\top}}"

    def _print_MatPow(self, expr):
        base, exp = expr.args
        return rf"\left({self._print(base)}\right)^{{{self._print(exp)}}}"

    def _print_Derivative(self, expr):
        (var, count), = expr.variable_count
        power = "" if count == 1 else f"^{{{count}}}"
        return (rf"\frac{{\partial{power} {self._print(expr.expr)}}}"
                rf"{{\partial {self._print(var)}{power}}}")


def latex(expr):
    """LaTeX for a SymPy object, in the derivation's notation (terms kept in given order)."""
    return _Printer({"order": "none", "mat_delim": "("}).doprint(expr)
