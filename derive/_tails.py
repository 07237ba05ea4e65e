"""φ' rewritten for a tail z ≥ 1 or z ≤ −1 in a form whose interval enclosure stays tight
there (used by ``derive._certify``).

Far out, the usual form of φ' loses everything to the dependency problem: in e^z/(1 + e^z) over
a box [A, B] the numerator and the denominator are enclosed apart, so the enclosure is wider
than the true range by e^{B−A} (mish: 10^{10^11} at z ≈ 10^12); 1 − tanh²(log(1 + e^z)) is
rounded to [−10^{-65}, 10^{-65}] and then multiplied by z·e^z.  Here the hyperbolic functions
are written with exponentials (tanh y = (e^{2y} − 1)/(e^{2y} + 1); SymPy turns e^{log w} into
w), every e^{az+b} with a rational is written as e^b·u^{∓aq} in u = e^{∓z/q} (q the common
denominator of the slopes a, so that every power is whole), u → 0 on the tail, and the result
is cancelled into one fraction: e^z/(1 + e^z) becomes 1/(1 + u), mish's φ' a ratio of
polynomials in z and u whose leading terms cancelled exactly.  The terms left, z·u² say, are
enclosed far out by the monotone rule of ``derive._interval`` (log(z·u²)' = 1/z − 2 < 0).
The rewriting is an identity on the tail (SymPy's own algebra), so every enclosure of the
new form is an enclosure of φ'.
"""

from functools import reduce

import sympy as sp

__all__ = ["tail_form"]

_HYPERBOLIC = (sp.tanh, sp.sinh, sp.cosh, sp.sech, sp.coth, sp.csch)


def tail_form(expr, z, side):
    """φ' as an expression in z and e^{−side·z/q} for the tail side·z ≥ 1 (``side`` ±1), or
    None when φ' holds no exponential with a linear argument (nothing to rewrite).

    >>> z = sp.Symbol("z", real=True)
    >>> tail_form(sp.exp(z) / (1 + sp.exp(z)), z, 1)
    1/(1 + exp(-z))
    """
    rewritten = sp.expand_power_exp(expr.rewrite(list(_HYPERBOLIC), sp.exp))
    slopes = [a for a in (_slope(node, z) for node in rewritten.atoms(sp.exp)) if a is not None]
    if not slopes:
        return None
    q = reduce(sp.ilcm, [a.q for a in slopes], 1)
    u = sp.Dummy("u", positive=True)

    def decaying(node):
        a = _slope(node, z)
        if a is None:
            return node
        return sp.exp(sp.expand(node.args[0]) - a * z) * u ** (-side * a * q)

    try:
        fraction = sp.cancel(sp.together(rewritten.replace(
            lambda node: isinstance(node, sp.exp), decaying)))
    except sp.PolynomialError:
        return None
    return fraction.subs(u, sp.exp(-side * z / q))


def _slope(node, z):
    """a where ``node`` = e^{az+b} with a a nonzero Rational and b free of z, else None."""
    if not isinstance(node, sp.exp):
        return None
    arg = sp.expand(node.args[0])
    a = arg.coeff(z)
    if a == 0 or not a.is_Rational or (arg - a * z).has(z):
        return None
    return a
