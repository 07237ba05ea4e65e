"""numeric.oracle: an independent 50-digit mpmath oracle for every registered activation."""


import mpmath
import numpy as np
import pytest
import sympy as sp

import derive
import numeric
from numeric.accuracy import random_case
from numeric.case import Case
from numeric.oracle import mp_reference
from tests.conftest import ACTIVATIONS
from tests.test_verify import VARIANTS

# --- the oracle's coverage of the registry (issue 9, item 22) -----------------------------------

@pytest.mark.parametrize("name", ACTIVATIONS)
def test_oracle_covers_every_registered_activation(name):
    """Every registered activation has its own mpmath φ, φ' taking the registry's parameters."""
    import inspect

    from numeric.oracle import ORACLES, mp_activation

    assert name in ORACLES, f"no independent oracle for {name}"
    act = derive.activation(name)
    params = derive.activations.registry_entry(act)[1]
    assert set(inspect.signature(ORACLES[name]).parameters) == set(params)
    assert mp_activation(act)[2] is True


@pytest.mark.parametrize("act", VARIANTS, ids=[a.name for a in VARIANTS])
def test_oracle_agrees_with_derive_at_50_digits(act):
    """The oracle's φ and φ' equal derive's φ and φ' (SymPy, 60 digits) to 1e-45 at points
    off the kinks, α of leaky_relu and elu included."""
    phi_mp, dphi_mp, _ = numeric.oracle.mp_activation(act)
    for point in (sp.Rational(-7, 2), sp.Rational(-1, 2), sp.Rational(1, 3), sp.Integer(2)):
        for derived, oracle in ((act.at(point), phi_mp), (act.derivative_at(point), dphi_mp)):
            exact = sp.N(derived, 60)
            with mpmath.workdps(50):
                value = oracle(mpmath.mpf(point.p) / point.q)
                assert abs(value - mpmath.mpf(str(exact))) <= 1e-45 * max(1, abs(value)), point


def test_oracle_missing_entry_raises_instead_of_falling_back(monkeypatch):
    """A registered activation without an oracle is an error, not a silent SymPy fallback."""
    from numeric import oracle

    monkeypatch.delitem(oracle.ORACLES, "softsign")
    with pytest.raises(oracle.MissingOracle, match="softsign"):
        numeric.check_mpmath(random_case("softsign", 2, 3, seed=1))


def test_oracle_custom_formula_is_flagged_not_independent():
    act = derive.parse_activation("x/(1+Abs(x))")
    assert derive.activations.registry_entry(act) is None
    assert numeric.oracle.mp_activation(act)[2] is False
    report = numeric.check_mpmath(Case(act, np.array([[0.5]]), np.array([[1.0]]), np.zeros(1),
                                       np.array([0.1]), np.array([[0.3]])))
    assert report.passed is True and "not independent" in report.note


def test_conditioning_product_partials_equal_the_product_with_one_phi_prime_changed():
    """∂P/∂D_k,i from one prefix and one suffix pass equals P(D + e_ki) − P(D), each computed
    as a whole product (P is affine in every single D_k,i)."""
    from numeric import conditioning
    from numeric.oracle import derivatives

    case = random_case("gelu", 3, 5, seed=11)
    ref = mp_reference(case, 50, case.trajectory().a)
    with mpmath.workdps(50):
        W = mpmath.matrix(case.W_hh.tolist())
        J, P0, _ = derivatives(case, W, ref.D, ref.h)
        after, before = conditioning.product_partials(J, W)
        for k in range(5):
            for i in range(3):
                D = [list(row) for row in ref.D]
                D[k][i] += 1
                whole = derivatives(case, W, D, ref.h)[1] - P0
                partial = after[k][:, i] * before[k][i, :]
                assert max(abs(x) for x in whole - partial) <= mpmath.mpf(10) ** -40
