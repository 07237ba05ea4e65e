"""Matrix norms, the spectral radius, the gradient-norm bounds and the regime conditions.

    ‖∂h_j/∂h_i‖ ≤ Π_{k=i+1}^{j} ‖D_k‖ ‖W_hh‖ ≤ (γ_φ ‖W_hh‖)^{j−i}

γ_φ ‖W_hh‖₂ < 1 is sufficient for vanishing; γ_φ ‖W_hh‖₂ > 1 is necessary (not sufficient)
for exploding.  For the linear RNN ‖W^k‖^{1/k} → ρ(W) (Gelfand), so ρ < 1 and ρ > 1 decide;
at ρ = 1 the largest Jordan block of a unit-modulus eigenvalue does (``derive.linear``).

>>> from derive.rnn import RNN
>>> norm_bound(RNN(1, activation="sigmoid", W_hh=[[2]]), 3)
1/8
"""

from dataclasses import dataclass

import sympy as sp

from derive.jacobians import pre_activation
from derive.linear import LinearGrowth, linear_growth
from derive.rnn import check_step

NORMS = ("spectral", "frobenius", "1", "inf")


def matrix_norm(W, norm="spectral"):
    """‖W‖ for norm in NORMS: σ_max (spectral), Frobenius, max column sum (1), max row sum (inf)."""
    W = sp.Matrix(W)
    if norm == "spectral":
        return spectral_norm(W)
    if norm == "frobenius":
        return sp.sqrt(sum(sp.Abs(w) ** 2 for w in W))
    if norm == "1":
        return sp.Max(*[sum(sp.Abs(w) for w in W.col(j)) for j in range(W.cols)])
    if norm == "inf":
        return sp.Max(*[sum(sp.Abs(w) for w in W.row(i)) for i in range(W.rows)])
    raise ValueError(f"unknown norm {norm!r}; expected one of: {', '.join(NORMS)}")


def spectral_norm(W):
    """σ_max(W) = sqrt(λ_max(WᵀW)), exact.

    n = 1: |w|.  n = 2: sqrt((F + sqrt(F² − 4 det²))/2) with F = ‖W‖_F² (closed form, symbolic
    entries allowed).  n ≥ 3: only for concrete W, the largest root of det(λI − WᵀW), as
    radicals or a CRootOf.
    """
    W = sp.Matrix(W)
    if W.shape == (1, 1):
        return sp.Abs(W[0])
    if W.shape == (2, 2):
        F = sum(w**2 for w in W)
        det = W.det()
        return sp.sqrt((F + sp.sqrt(F**2 - 4 * det**2)) / 2)
    if W.free_symbols:
        raise ValueError(f"no closed form for the spectral norm of a symbolic {W.rows}×{W.cols} "
                         "matrix; give concrete W_hh values or use norm='frobenius'")
    return sp.sqrt(_largest_root((W.T * W).charpoly(sp.Symbol("lambda")), key=lambda r: r.real))


def spectral_radius(W):
    """ρ(W) = max |λ_i(W)|, exact (closed form for n ≤ 2, concrete W for n ≥ 3)."""
    W = sp.Matrix(W)
    if W.shape == (1, 1):
        return sp.Abs(W[0])
    if W.shape == (2, 2):
        tr, det = W.trace(), W.det()
        disc = sp.sqrt(tr**2 - 4 * det)
        return sp.Max(sp.Abs((tr + disc) / 2), sp.Abs((tr - disc) / 2))
    if W.free_symbols:
        raise ValueError(f"no closed form for the spectral radius of a symbolic {W.rows}×{W.cols} "
                         "matrix; give concrete W_hh values")
    return sp.Abs(_largest_root(W.charpoly(sp.Symbol("lambda")), key=abs))


def norm_bound(rnn, steps, norm="spectral"):
    """(γ_φ ‖W_hh‖)^steps: the bound on ‖∂h_{i+steps}/∂h_i‖, exact when W_hh is concrete.

    steps = 0: the empty product ∂h_i/∂h_i = I_n, whose norm is ‖I_n‖ (√n for Frobenius, 1 for
    the others), not 1.  steps ≥ 1: ‖D_k W‖ ≤ ‖D_k‖₂‖W‖ holds in all four norms (for Frobenius
    ‖AB‖_F ≤ ‖A‖₂‖B‖_F), and each norm is submultiplicative, so no √n factor is needed.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    if steps == 0:
        return identity_norm(rnn.hidden, norm)
    return (rnn.activation.gamma * matrix_norm(rnn.W_hh, norm)) ** steps


def identity_norm(n, norm="spectral"):
    """‖I_n‖: the norm of the empty product of step Jacobians (√n for Frobenius, else 1)."""
    return matrix_norm(sp.eye(n), norm)


def data_dependent_bound(rnn, i, j, norm="spectral"):
    """Π_{k=i+1}^{j} max_i |φ'(a_{k,i})| · ‖W_hh‖: the bound along this trajectory (‖D_k‖ exact);
    ‖I_n‖ (√n for Frobenius) for i = j, the empty product."""
    check_step(rnn, j, "j")
    check_step(rnn, i, "i")
    if i > j:
        raise ValueError(f"need i <= j for the bound on ∂h_j/∂h_i, got i = {i}, j = {j}")
    if i == j:
        return identity_norm(rnn.hidden, norm)   # ∂h_i/∂h_i = I_n
    W = matrix_norm(rnn.W_hh, norm)
    bound = sp.Integer(1)
    for k in range(i + 1, j + 1):
        D_norm = sp.Max(*[sp.Abs(rnn.activation.derivative_at(a)) for a in pre_activation(rnn, k)])
        bound *= D_norm * W
    return bound


@dataclass(frozen=True)
class RegimeConditions:
    """The conditions on W_hh, as SymPy relations, and what they say for this RNN.

    ``sufficient_vanishing``: γ_φ σ_max < 1.  ``necessary_exploding``: γ_φ σ_max > 1.
    ``scalar``: for n = 1 with a symbolic w, the vanishing condition solved for w.
    ``rho``: ρ(W_hh) when it has a closed form, else None.
    ``linear``: for a linear cell (identity activation, or any constant φ' = c, where
    ∂h_T/∂h_0 = (c W_hh)^T and γ_φ = |c|): (γ_φ ρ < 1 vanishing, γ_φ ρ > 1 exploding).
    ``growth``: for a linear cell with concrete W_hh, ``derive.linear.linear_growth(c W_hh)``,
    which also decides γ_φ ρ = 1 by the Jordan blocks.
    ``verdict``: for concrete W_hh: "vanishing" or "undetermined" from γ_φ σ_max; for a linear
    cell exact: "vanishing" (ρ < 1), "exploding" (ρ > 1), "bounded" (ρ = 1, unit-modulus
    eigenvalues semisimple) or "exploding polynomially" (ρ = 1, a Jordan block of size k > 1:
    ‖∂h_T/∂h_0‖ grows like T^{k−1}).
    """

    gamma: sp.Expr
    sigma_max: sp.Expr
    sufficient_vanishing: sp.Basic
    necessary_exploding: sp.Basic
    rho: sp.Expr | None
    scalar: sp.Basic | None
    linear: tuple | None
    verdict: str | None
    growth: LinearGrowth | None = None


def regime_conditions(rnn):
    """γ_φ σ_max(W_hh) < 1 (sufficient for vanishing), > 1 (necessary for exploding), and ρ."""
    gamma, W = rnn.activation.gamma, rnn.W_hh
    sigma = _sigma_max(W)
    vanish = sp.Lt(gamma * sigma, 1, evaluate=False)
    explode = sp.Gt(gamma * sigma, 1, evaluate=False)
    scalar = None
    if rnn.hidden == 1 and W[0].is_Symbol:
        scalar = sp.solve_univariate_inequality(gamma * sp.Abs(W[0]) < 1, W[0], relational=True)
    rho = spectral_radius(W) if rnn.hidden <= 2 or not W.free_symbols else None
    linear, growth = None, None
    slope = rnn.activation.dphi
    if not slope.free_symbols and rho is not None:   # φ' = c: ∂h_T/∂h_0 = (c W_hh)^T
        linear = (sp.Lt(gamma * rho, 1, evaluate=False), sp.Gt(gamma * rho, 1, evaluate=False))
        if not W.free_symbols:
            growth = linear_growth(slope * W)
    verdict = growth.verdict if growth else _verdict(gamma * sigma)
    return RegimeConditions(gamma, sigma, vanish, explode, rho, scalar, linear, verdict, growth)


def _sigma_max(W):
    if W.rows <= 2 or not W.free_symbols:
        return spectral_norm(W)
    return sp.Function("sigma_max")(sp.MatrixSymbol("W_hh", W.rows, W.cols))


def _verdict(product):
    """For concrete W_hh of a nonlinear cell: the sufficient condition γσ < 1 (linear cells:
    ``linear_growth``)."""
    if product.free_symbols:
        return None
    return "vanishing" if product < 1 else "undetermined"


def _largest_root(poly, key):
    """The root of a rational polynomial with the largest ``key`` (of its numeric value), exact:
    radicals for factors of degree <= 2, CRootOf otherwise.  Candidates are ranked with 30-digit
    ``nroots``, so no slow exact evaluation of complex CRootOf is needed."""
    best, best_key = None, None
    for factor, _ in sp.factor_list(poly.as_expr())[1]:
        factor = sp.Poly(factor, poly.gen)
        if factor.degree() <= 2:
            roots = list(sp.roots(factor, multiple=True))
            numeric = [complex(sp.N(r, 30)) for r in roots]
        else:
            roots = factor.all_roots()
            numeric = [complex(r) for r in factor.nroots(n=30)]
            roots = _match_roots(roots, numeric)
        for root, value in zip(roots, numeric, strict=True):
            if best_key is None or key(value) > best_key:
                best, best_key = root, key(value)
    return best


def _match_roots(roots, numeric):
    """Order CRootOf ``roots`` like ``numeric`` (nroots), pairing each with its nearest value."""
    cheap = [complex(r.evalf(15)) for r in roots]
    return [roots[min(range(len(roots)), key=lambda i: abs(cheap[i] - v))] for v in numeric]
