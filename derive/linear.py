"""The linear RNN: how ‖W^T‖ grows, decided exactly from the eigenvalues and Jordan blocks of W.

For the identity activation ∂h_T/∂h_0 = W_hh^T (for a constant φ' = c it is (c W_hh)^T).
With ρ = ρ(W) the spectral radius (Gelfand: ‖W^T‖^{1/T} → ρ):

* ρ < 1: ‖W^T‖ → 0 geometrically, at rate ρ per step ("vanishing");
* ρ > 1: ‖W^T‖ → ∞ geometrically ("exploding");
* ρ = 1: let k be the size of the largest Jordan block of an eigenvalue with |λ| = 1.  A block
  J = λI + N gives J^T = Σ_j C(T, j) λ^{T−j} N^j, whose norm grows like C(T, k−1) ~ T^{k−1}.
  k = 1 (every unit-modulus eigenvalue semisimple): 1 ≤ ‖W^T‖₂ ≤ C for all T ("bounded");
  k > 1: ‖W^T‖ grows like T^{k−1}, without bound ("exploding polynomially").
  In both cases log‖W^T‖ / log T → k − 1 (``order``).

Exact for rational entries: the characteristic polynomial is factored over Q.  A root λ ≠ ±1 on
the unit circle has 1/λ = λ̄ as a root too, so its irreducible factor f is palindromic; writing
f(x) = x^m g(x + 1/x), the roots of f on the circle are those with x + 1/x = 2cos θ, i.e. the
real roots of g in (−2, 2), counted exactly (Sturm).  A factor that is not palindromic (and not
x ∓ 1) has no root on the circle; its moduli are compared with 1 at 60 digits.  The largest
Jordan block of the roots of f is the multiplicity of f in the minimal polynomial: the least j
with rank f(W)^j = n − deg(f)·(multiplicity of f in the characteristic polynomial), ranks exact.

Float entries (and irrational ones such as √2/2) are analysed numerically at 50 digits with a
stated tolerance ``tol`` (default 1e-9): eigenvalues closer than tol are one eigenvalue (the
mean of the cluster), a modulus within tol of 1 counts as 1, and a singular value below
tol·max(1, σ_max) counts as 0.  Rounding a Jordan block of size k by ε splits its eigenvalue
by about ε^{1/k}: pass a larger tol for float data computed with rounding.

>>> linear_growth([[1, 1], [0, 1]]).verdict
'exploding polynomially'
"""

from dataclasses import dataclass

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from derive._exact import exact_number

TOLERANCE = 1e-9   # numeric analysis (float or irrational entries): see the module docstring
DIGITS = 50        # working precision of the numeric analysis
_X = sp.Symbol("x")


@dataclass(frozen=True)
class LinearGrowth:
    """How ‖W^T‖ behaves as T → ∞.

    ``rho``: ρ(W) (exact, or a Float when ``tolerance`` is set).  ``unit_block``: the size of
    the largest Jordan block of an eigenvalue with |λ| = 1 (0 when there is none).
    ``verdict``: "vanishing" (ρ < 1), "exploding" (ρ > 1), "bounded" (ρ = 1, unit_block = 1)
    or "exploding polynomially" (ρ = 1, unit_block = k > 1: ‖W^T‖ grows like T^{k−1}).
    ``order``: at ρ = 1, lim log‖W^T‖ / log T = unit_block − 1; None otherwise.
    ``tolerance``: None when decided exactly, else the numeric tolerance used.
    """

    rho: sp.Expr
    unit_block: int
    verdict: str
    order: int | None
    tolerance: float | None = None

    @property
    def unbounded(self):
        return self.verdict.startswith("exploding")

    def reason(self):
        """One English sentence: which case applies and why."""
        if self.verdict == "vanishing":
            return "ρ < 1: the products vanish geometrically, at rate ρ per step"
        if self.verdict == "exploding":
            return "ρ > 1: the products explode geometrically, at rate ρ per step"
        k = self.unit_block
        if k == 1:
            return ("ρ = 1 and every unit-modulus eigenvalue has Jordan blocks of size 1 "
                    "(semisimple): the products stay bounded, neither vanishing nor exploding")
        grows = "T" if k == 2 else f"T^{k - 1}"
        return (f"ρ = 1 and the largest Jordan block of a unit-modulus eigenvalue has size {k}: "
                f"the products grow like {grows}, without bound (polynomially, not "
                "geometrically)")


def linear_growth(W, tol=None):
    """The growth of ‖W^T‖ for a concrete square matrix W (see the module docstring).

    Exact when every entry is rational (ints, Fractions, SymPy rationals); numeric with
    tolerance ``tol`` (default TOLERANCE) when an entry is a float or irrational.
    """
    M = _matrix(W)
    if M.free_symbols:
        raise ValueError("linear_growth needs concrete entries; W has symbols "
                         + ", ".join(sorted(map(str, M.free_symbols))))
    if tol is None and all(entry.is_Rational for entry in M) and not _has_float(W):
        return _exact(M)
    return _numeric(M, TOLERANCE if tol is None else float(tol))


def _rows(W):
    return W.tolist() if hasattr(W, "tolist") else [list(row) for row in W]


def _has_float(W):
    """Whether an entry is a float (Python, NumPy or SymPy Float): then the analysis is numeric."""
    return any(isinstance(v, (float, sp.Float)) or type(v).__name__.startswith("float")
               for row in _rows(W) for v in row)


def _matrix(W):
    rows = _rows(W)
    M = sp.Matrix([[exact_number(v, "W entry") if not isinstance(v, sp.Basic) or v.is_Float
                    else v for v in row] for row in rows])
    if M.rows != M.cols or M.rows == 0:
        raise ValueError(f"W must be a non-empty square matrix, got shape {M.shape}")
    return M


# ---------------------------------------------------------------------------------------------
# exact: rational entries


def _exact(M):
    from derive.bounds import spectral_radius

    n = M.rows
    outside, unit_block = False, 0
    for f, mult in sp.factor_list(M.charpoly(_X).as_expr(), _X)[1]:
        f = sp.Poly(f, _X)
        where = _moduli(f)
        outside = outside or ">" in where
        if "=" in where:
            unit_block = max(unit_block, _block(M, f, mult, n))
    rho = spectral_radius(M)
    if outside:
        return LinearGrowth(rho, unit_block, "exploding", None)
    if unit_block == 0:
        return LinearGrowth(rho, 0, "vanishing", None)
    return _at_one(sp.Integer(1), unit_block, None)


def _at_one(rho, k, tol):
    return LinearGrowth(rho, k, "bounded" if k == 1 else "exploding polynomially", k - 1, tol)


def _moduli(f):
    """Which of "<", "=", ">" 1 the moduli of the roots of the irreducible factor f take."""
    if f.degree() == 1:
        root = abs(-f.nth(0) / f.nth(1))
        return {"<" if root < 1 else "=" if root == 1 else ">"}
    coeffs = f.all_coeffs()
    if coeffs == coeffs[::-1] and f.degree() % 2 == 0:   # palindromic: roots come as λ, 1/λ
        g = _dickson(coeffs)
        on_circle = sp.Poly(g, _X).count_roots(-2, 2)   # g(±2) ≠ 0: ±1 is no root of f
        if on_circle == g.degree():
            return {"="}
        return {"<", ">"} | ({"="} if on_circle else set())
    where = set()
    for root in f.nroots(n=60):
        modulus = sp.Abs(root)
        if abs(modulus - 1) < sp.Float(10) ** -50:
            raise ValueError(f"cannot separate a root of {f.as_expr()} from the unit circle")
        where.add("<" if modulus < 1 else ">")
    return where


def _dickson(coeffs):
    """g with f(x) = x^m g(x + 1/x) for a palindromic f of degree 2m (coefficients high first):
    x^j + x^{−j} = D_j(y), D_0 = 2, D_1 = y, D_j = y D_{j−1} − D_{j−2}."""
    m = (len(coeffs) - 1) // 2
    a = coeffs[::-1]   # a[i]: coefficient of x^i
    D = [sp.Poly(2, _X), sp.Poly(_X, _X)]
    while len(D) <= m:
        D.append(sp.Poly(_X, _X) * D[-1] - D[-2])
    g = sp.Poly(a[m], _X)
    for j in range(1, m + 1):
        g += a[m + j] * D[j]
    return g


def _block(M, f, mult, n):
    """The largest Jordan block of the roots of f: least j with rank f(M)^j = n − deg f · mult."""
    F = sp.zeros(n, n)
    for c in f.all_coeffs():          # Horner: f(M)
        F = F * M + c * sp.eye(n)
    target = n - f.degree() * mult
    power = F
    for j in range(1, mult + 1):
        if DomainMatrix.from_Matrix(power).convert_to(sp.QQ).rank() == target:
            return j
        power = power * F
    return mult


# ---------------------------------------------------------------------------------------------
# numeric: float or irrational entries, with a tolerance


def _numeric(M, tol):
    import mpmath

    n = M.rows
    with mpmath.workdps(DIGITS):
        A = mpmath.matrix([[mpmath.mpmathify(sp.N(v, DIGITS + 10)) for v in row]
                           for row in M.tolist()])
        eigen = mpmath.eig(A, left=False, right=False)
        clusters = _clusters(list(eigen), tol)
        moduli = [abs(sum(c) / len(c)) for c in clusters]
        rho = sp.Float(max(moduli), 30)
        unit_block = 0
        for cluster, modulus in zip(clusters, moduli, strict=True):
            if abs(modulus - 1) <= tol:
                mu = sum(cluster) / len(cluster)
                unit_block = max(unit_block, _numeric_block(A, mu, len(cluster), n, tol))
        if any(modulus > 1 + tol for modulus in moduli):
            return LinearGrowth(rho, unit_block, "exploding", None, tol)
        if unit_block == 0:
            return LinearGrowth(rho, 0, "vanishing", None, tol)
        return _at_one(rho, unit_block, tol)


def _clusters(values, tol):
    """Single-linkage groups of values closer than tol."""
    groups = []
    for v in values:
        near = [g for g in groups if any(abs(v - u) <= tol for u in g)]
        merged = [v] + [u for g in near for u in g]
        groups = [g for g in groups if g not in near] + [merged]
    return groups


def _numeric_block(A, mu, size, n, tol):
    import mpmath

    B = A - mu * mpmath.eye(n)
    power = B
    for j in range(1, size + 1):
        sv = mpmath.svd_c(power, compute_uv=False)
        top = max(abs(s) for s in sv)
        if sum(1 for s in sv if abs(s) > tol * max(1, top)) == n - size:
            return j
        power = power * B
    return size
