"""SymPy objects for the notation (a_k, h_k, D_k, J_k, γ_φ, ‖·‖) and the LaTeX printer for them.

The derivation's formulas are SymPy objects; these few display-only functions (‖·‖, diag, φ,
φ') give them the seeds' look when ``sympy.latex`` prints them, and ``latex`` prints partial
derivatives as ∂h_k/∂h_{k-1}.
"""

import functools

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty.stringpict import prettyForm

k = sp.Symbol("k", integer=True, positive=True)
i = sp.Symbol("i", integer=True, nonnegative=True)
j = sp.Symbol("j", integer=True, nonnegative=True)
T = sp.Symbol("T", integer=True, positive=True)
z = sp.Symbol("z", real=True)
gamma_phi = sp.Symbol("gamma_varphi", positive=True)


class _Display(sp.Function):
    """A display-only function: ``template`` for LaTeX, ``text`` for plain text and
    ``pretty`` = (prefix, left delimiter, right delimiter, suffix) for SymPy's pretty printer."""

    template = "%s"
    text = "%s"
    pretty = ("", "(", ")", "")
    delimited = False   # True: the template ends in its own delimiter, ‖x‖² needs no parentheses

    def _latex(self, printer, exp=None):
        tex = self.template.replace("%s", printer._print(self.args[0]))
        if exp is None:
            return tex
        return rf"{tex}^{{{exp}}}" if self.delimited else rf"\left({tex}\right)^{{{exp}}}"

    def _sympystr(self, printer):
        return self.text.replace("%s", printer._print(self.args[0]))

    def _pretty(self, printer):
        prefix, left, right, suffix = self.pretty
        form = printer._print(self.args[0])
        if form.height() == 1:
            form = prettyForm(*form.left(left))
            form = prettyForm(*form.right(right))
        else:  # tall: SymPy's stretched delimiters, ‖ as two bars
            for _ in range(2 if left == "‖" else 1):
                form = prettyForm(*form.parens(*("||" if left == "‖" else left + right)))
        form = prettyForm(*form.left(prefix))
        return prettyForm(*form.right(suffix))


class norm(_Display):  # noqa: N801 - reads as ‖x‖ in formulas
    """‖x‖ (spectral norm for matrices unless stated)."""

    template, text = r"\left\| %s \right\|", "||%s||"
    pretty = ("", "‖", "‖", "")
    delimited = True


class norm2(_Display):  # noqa: N801
    """‖x‖₂, the spectral norm σ_max written with its subscript."""

    template, text = r"\left\| %s \right\|_{2}", "||%s||_2"
    pretty = ("", "‖", "‖", "₂")
    delimited = True


class diag(_Display):  # noqa: N801
    """diag(v): the diagonal matrix with v on its diagonal."""

    template, text = r"\operatorname{diag}\left(%s\right)", "diag(%s)"
    pretty = ("diag", "(", ")", "")


class phi(_Display):  # noqa: N801
    """φ(x), the activation applied elementwise."""

    template, text = r"\varphi\left(%s\right)", "phi(%s)"
    pretty = ("φ", "(", ")", "")


class dphi(_Display):  # noqa: N801
    """φ'(x), the derivative of the activation applied elementwise."""

    template, text = r"\varphi'\left(%s\right)", "phi'(%s)"
    pretty = ("φ′", "(", ")", "")


class d2phi(_Display):  # noqa: N801
    """φ''(x), the second derivative of the activation."""

    template, text = r"\varphi''\left(%s\right)", "phi''(%s)"
    pretty = ("φ″", "(", ")", "")


class sup_abs(_Display):  # noqa: N801
    """sup_z |f(z)|."""

    template, text = r"\sup_{z} \left|%s\right|", "sup_z |%s|"
    pretty = ("sup_z ", "|", "|", "")


class max_abs(_Display):  # noqa: N801
    """max_i |v_i| over the entries of v."""

    template, text = r"\max_{i} \left|%s\right|", "max_i |%s|"
    pretty = ("maxᵢ ", "|", "|", "")


def vector(name, n=1):
    """A column vector symbol (n, 1), e.g. h_{k-1}."""
    return sp.MatrixSymbol(name, n, 1)


def partial(expr, wrt):
    """∂expr/∂wrt, unevaluated."""
    return sp.Derivative(expr, wrt, evaluate=False)


class _Printer(LatexPrinter):
    """SymPy's LaTeX printer with ∂ fractions for every derivative, ``^{\\top}`` for the
    transpose, and a matrix power with a bare base (A^k, W_hh^k) except when the exponent holds
    T or the base is not a symbol: W_hh^⊤ and (W_hh)^T never look alike; a norm to a power
    carries it on its bars, ‖x‖₂², without parentheses.
    """

    def _print_Transpose(self, expr):
        base = self._print(expr.arg)
        return rf"{base}^{{\top}}" if expr.arg.is_symbol else rf"\left({base}\right)^{{\top}}"

    def _as_ordered_terms(self, expr, order=None):
        return readable_terms(super()._as_ordered_terms(expr, order))

    def _print_MatPow(self, expr):
        """A^k and W_hh^k bare; (W_hh)^T (a power that could pass for a transpose) and a
        product's power in parentheses."""
        base, exp = expr.args
        if base.is_symbol and "T" not in {str(s) for s in exp.free_symbols}:
            return rf"{self._print(base)}^{{{self._print(exp)}}}"
        return rf"\left({self._print(base)}\right)^{{{self._print(exp)}}}"

    def _print_And(self, expr):
        """a ≤ b ∧ b ≤ c printed as the chain a ≤ b ≤ c (either order of the two relations;
        the chaining rule of ``display_latex``)."""
        if len(expr.args) == 2:
            for pair in (expr.args, expr.args[::-1]):
                if _chains(*pair):
                    return _chain_latex(pair)
        return super()._print_And(expr)

    def _print_Derivative(self, expr):
        (var, count), = expr.variable_count
        power = "" if count == 1 else f"^{{{count}}}"
        return (rf"\frac{{\partial{power} {self._print(expr.expr)}}}"
                rf"{{\partial {self._print(var)}{power}}}")


def readable_terms(terms):
    """The terms of a sum in their given order, except that a sum never opens with a minus
    when a term can: its first positive term leads (h_T − y, not −y + h_T; T − 1, not −1 + T).

    >>> a, b = sp.symbols("a b")
    >>> readable_terms([-a, b, sp.Integer(1)]), readable_terms([sp.Integer(1), -a])
    ([b, -a, 1], [1, -a])
    """
    terms = list(terms)
    if terms and terms[0].could_extract_minus_sign():
        lead = next((n for n, term in enumerate(terms) if not term.could_extract_minus_sign()),
                    None)
        if lead is not None:
            terms.insert(0, terms.pop(lead))
    return terms


RELATION_OPS = {sp.Eq: "=", sp.Le: r"\leq", sp.Lt: "<", sp.Ge: r"\geq", sp.Gt: ">",
                sp.Ne: r"\neq"}  # LaTeX of the relations a display aligns at or breaks at


def latex(expr):
    """LaTeX for a SymPy object, in the derivation's notation (terms kept in given order)."""
    return _Printer({"order": "none", "mat_delim": "("}).doprint(expr)


_RISING, _FALLING = (sp.Le, sp.Lt, sp.Eq), (sp.Ge, sp.Gt, sp.Eq)


def display_latex(exprs, gap=r", \qquad "):
    r"""LaTeX of formulas shown on one line: consecutive relations that share a side and run
    one way (a ≤ b and b < c) chained into one, a ≤ b < c; the others separated by ``gap``.

    >>> a, b, c = sp.symbols("a b c")
    >>> display_latex((sp.Le(a, b), sp.Lt(b, c), sp.Eq(c, 1)))
    'a \\leq b < c = 1'
    >>> display_latex((sp.Le(a, b), sp.Ge(b, c)))
    'a \\leq b, \\qquad b \\geq c'
    """
    groups = []
    for expr in exprs:
        last = groups[-1][-1] if groups else None
        if last is not None and _chains(last, expr) and _one_way(*groups[-1], expr):
            groups[-1].append(expr)
        else:
            groups.append([expr])
    return gap.join(_chain_latex(group) for group in groups)


def _chains(first, second):
    """True when ``second`` continues ``first``: relations one way, sharing the middle side."""
    return _one_way(first, second) and first.rhs == second.lhs


def _one_way(*relations):
    """True when ``relations`` are all ≤, < or =, or all ≥, > or =."""
    return any(all(type(rel) in way for rel in relations) for way in (_RISING, _FALLING))


def _chain_latex(group):
    if len(group) == 1:
        return latex(group[0])
    parts = [latex(group[0].lhs)]
    parts += [f"{RELATION_OPS[type(rel)]} {latex(rel.rhs)}" for rel in group]
    return " ".join(parts)


@functools.lru_cache(maxsize=8192)
def _latex_memo(expr):
    return latex(expr)


def latex_cached(expr):
    """``latex(expr)``, remembered: line breaking and width estimates print the same
    subexpressions at every level (SymPy objects are immutable and hashable; equal objects
    print alike, a Float of another precision is not equal).  Unhashable objects (mutable
    matrices) are printed afresh."""
    try:
        return _latex_memo(expr)
    except TypeError:  # unhashable
        return latex(expr)


def _print_matrix_set(printer, expr):
    rows, cols, field = expr.args
    return rf"{printer._print(field)}^{{{printer._print(rows)} \times {printer._print(cols)}}}"


_Printer._print_MatrixSet = _print_matrix_set
