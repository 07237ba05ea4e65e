"""The Unicode pretty printer in the derivation's notation (hₖ₋₁, Jₖ, γᵩ, ∂h₃/∂h₀ as a
fraction): the text output of derivations."""

from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.pretty_symbology import pretty_symbol, sub
from sympy.printing.pretty.stringpict import prettyForm


class _Pretty(PrettyPrinter):
    """SymPy's unicode pretty printer in the derivation's notation: h_{k-1} as hₖ₋₁, J[k] as
    Jₖ, γ_φ as γᵩ, ∂h₃/∂h₀ as a fraction, ℝ^(n×n) for a matrix set."""

    def _print_Symbol(self, expr, bold_name=False):
        return prettyForm(pretty_name(expr.name))

    def _print_MatrixSymbol(self, expr):
        return prettyForm(pretty_name(expr.name))

    def _print_Indexed(self, expr):
        indices = [self._print(index) for index in expr.indices]
        if all(form.height() == 1 for form in indices):
            return prettyForm(_subscripted(pretty_name(str(expr.base)),
                                           ",".join(str(form) for form in indices)))
        return super()._print_Indexed(expr)

    def _print_Derivative(self, expr):
        (var, count), = expr.variable_count
        power = "" if count == 1 else str(count)
        top = prettyForm(*self._print(expr.expr).left("∂" + power))
        bottom = prettyForm(*self._print(var).left("∂"))
        return top / bottom

    def _print_Max(self, expr):
        return self._helper_print_function(expr.func, expr.args, func_name="max")

    def _print_Min(self, expr):
        return self._helper_print_function(expr.func, expr.args, func_name="min")

    def _print_MatrixSet(self, expr):
        rows, cols, field = expr.args
        return self._print(field) ** prettyForm(f"{rows}×{cols}")


def pretty_name(name):
    """A symbol name in unicode: h_{k-1} -> hₖ₋₁, h_0,1 -> h₀,₁, gamma_varphi -> γᵩ."""
    base, _, subscript = name.replace("{", "").replace("}", "").partition("_")
    base = pretty_symbol(base)
    if subscript == "varphi":
        subscript = "phi"
    return _subscripted(base, subscript) if subscript else base


def _subscripted(base, subscript):
    """base with ``subscript`` in unicode subscripts, or base_subscript when one has none."""
    if subscript in sub:
        return base + sub[subscript]
    chars = [sub.get(c, "," if c == "," else None) for c in subscript]
    if None in chars:
        return f"{base}_{subscript}"
    return base + "".join(chars)


def pretty(expr):
    """Unicode pretty form of a SymPy object, in the derivation's notation (no line wrap:
    the caller indents whole blocks)."""
    return _Pretty({"use_unicode": True, "order": "none", "wrap_line": False}).doprint(expr)
