"""Tests for derive.bounds' norms and spectral radius against numpy and mpmath."""

import math

import numpy as np
import pytest
import sympy as sp

import derive
from derive.bounds import (
    NORMS,
    matrix_norm,
    norm_bound,
    spectral_norm,
    spectral_radius,
)
from tests.bounds_oracles import (
    N_MATRICES,
    NUMPY_ORD,
    as_numpy,
    close,
    floats_in,
    mp_spectral_radius,
    random_matrices,
    to_float,
)

# ---------------------------------------------------------------------------------------------
# Norms and the spectral radius of concrete matrices


@pytest.mark.parametrize("index", range(N_MATRICES))
def test_matrix_norm_matches_numpy(rng, index):
    M = random_matrices(rng)[index]
    A = as_numpy(M)
    for norm in NORMS:
        value = matrix_norm(M, norm)
        assert isinstance(value, sp.Expr)
        assert floats_in(value) == [], (norm, value)
        assert value.free_symbols == set()
        want = np.linalg.norm(A, NUMPY_ORD[norm])
        assert close(to_float(value), want), (norm, M, value, want)
    assert spectral_norm(M) == matrix_norm(M, "spectral")


def test_matrix_norm_random_sample_covers_sizes_1_to_4(rng):
    sizes = {M.rows for M in random_matrices(rng)}
    assert sizes == {1, 2, 3, 4}


@pytest.mark.parametrize("index", range(N_MATRICES))
def test_spectral_radius_matches_numpy_closed_form(rng, index):
    # n <= 2: the closed-form path (the cubic/quartic path is covered below; it is slow).
    M = random_matrices(rng, sizes=(1, 2))[index]
    value = spectral_radius(M)
    assert isinstance(value, sp.Expr)
    assert floats_in(value) == []
    got = to_float(value)
    assert close(got, float(mp_spectral_radius(M))), (M, value)
    # numpy as a second oracle; a defective eigenvalue costs it ~sqrt(eps) of accuracy
    assert close(got, max(abs(np.linalg.eigvals(as_numpy(M)))), rel=1e-7)


@pytest.mark.parametrize("index", [0, 7])
def test_spectral_radius_matches_numpy_random_large(rng, index):
    # Two of the n >= 3 matrices of the sample above (a 4×4 and a 3×3, both with complex
    # eigenvalues).  Only two: this path costs seconds per matrix (see the report).
    M = random_matrices(rng)[index]
    assert M.rows >= 3
    value = spectral_radius(M)
    assert floats_in(value) == []
    got = to_float(value)
    assert close(got, float(mp_spectral_radius(M)))
    assert close(got, max(abs(np.linalg.eigvals(as_numpy(M)))), rel=1e-7)


@pytest.mark.parametrize("rows", [
    [[1, -2, 0], [3, 1, 1], [0, 1, 2]],  # a complex-conjugate pair of eigenvalues
    [[0, 0, 0, -1], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]],  # eigenvalues: 4th roots of -1
    [[2, 1, 0], [0, 2, 1], [0, 0, 2]],  # one Jordan block
    [[sp.Rational(1, 2), 3, -1], [0, sp.Rational(-7, 3), 2], [0, 0, 1]],
])
def test_spectral_radius_matches_numpy_large(rows):
    M = sp.Matrix(rows)
    value = spectral_radius(M)
    assert floats_in(value) == []
    got = to_float(value)
    assert close(got, float(mp_spectral_radius(M)))
    assert close(got, max(abs(np.linalg.eigvals(as_numpy(M)))), rel=1e-5)


def test_spectral_norm_of_large_concrete_matrix_is_exact():
    # W = diag(3, 4, 12) plus a permutation: σ_max = 12 exactly (W^T W = diag(9, 16, 144))
    M = sp.Matrix([[0, 3, 0], [0, 0, 4], [12, 0, 0]])
    assert sp.simplify(spectral_norm(M) - 12) == 0
    assert matrix_norm(M, "frobenius") == 13  # sqrt(9 + 16 + 144)
    assert matrix_norm(M, "1") == 12 and matrix_norm(M, "inf") == 12


def test_matrix_norm_hand_values_2x2():
    M = sp.Matrix([[1, -2], [3, 4]])
    # ‖M‖_F = sqrt(1+4+9+16) = sqrt(30); column sums 4, 6; row sums 3, 7
    assert matrix_norm(M, "frobenius") == sp.sqrt(30)
    assert matrix_norm(M, "1") == 6
    assert matrix_norm(M, "inf") == 7
    # M^T M = [[10, 10], [10, 20]]: λ = 15 ± 5 sqrt(5), σ_max = sqrt(15 + 5 sqrt(5))
    assert sp.simplify(matrix_norm(M, "spectral") - sp.sqrt(15 + 5 * sp.sqrt(5))) == 0


def test_spectral_norm_2x2_symbolic_closed_form_matches_numpy(rng):
    a, b, c, d = sp.symbols("a b c d", real=True)
    expr = spectral_norm(sp.Matrix([[a, b], [c, d]]))
    assert expr.free_symbols == {a, b, c, d}
    for _ in range(25):
        values = [sp.Rational(rng.randint(-300, 300), rng.randint(1, 100)) for _ in range(4)]
        got = to_float(expr.subs(dict(zip((a, b, c, d), values, strict=True))))
        want = np.linalg.norm(np.array([[float(v) for v in values[:2]],
                                        [float(v) for v in values[2:]]]), 2)
        assert close(got, want), (values, got, want)


def test_spectral_norm_1x1_is_absolute_value():
    w = sp.Symbol("w", real=True)
    assert spectral_norm(sp.Matrix([[w]])) == sp.Abs(w)
    assert spectral_norm(sp.Matrix([[sp.Rational(-3, 7)]])) == sp.Rational(3, 7)


def test_spectral_radius_2x2_symbolic_closed_form_matches_numpy(rng):
    a, b, c, d = sp.symbols("a b c d", real=True)
    expr = spectral_radius(sp.Matrix([[a, b], [c, d]]))
    for _ in range(15):
        values = [sp.Rational(rng.randint(-300, 300), rng.randint(1, 100)) for _ in range(4)]
        got = to_float(expr.subs(dict(zip((a, b, c, d), values, strict=True))))
        A = np.array([[float(v) for v in values[:2]], [float(v) for v in values[2:]]])
        assert close(got, max(abs(np.linalg.eigvals(A))), rel=1e-9), values


def test_spectral_radius_is_exactly_ten_and_gelfand_agrees():
    A = sp.Matrix([[9, -1, 2], [-2, 8, 4], [1, 1, 8]])
    rho = spectral_radius(A)
    assert rho == 10
    assert floats_in(rho) == []
    # Gelfand: ‖A^k‖^(1/k) -> ρ; with B = A/10, ‖A^k‖^(1/k) = 10 ‖B^k‖^(1/k): no overflow
    B = as_numpy(A) / 10
    k = 200
    P = np.linalg.matrix_power(B, k)
    estimate = 10 * math.exp(math.log(np.linalg.norm(P, 2)) / k)
    assert abs(estimate - 10) < 1e-2
    # and the spectral norm is strictly above ρ for this non-normal matrix
    assert to_float(spectral_norm(A)) > 10 + 0.5


def test_spectral_norm_symbolic_3x3_raises_naming_frobenius():
    M = sp.Matrix(3, 3, sp.symbols("m1:10", real=True))
    with pytest.raises(ValueError, match="frobenius"):
        spectral_norm(M)
    with pytest.raises(ValueError, match="frobenius"):
        matrix_norm(M, "spectral")
    # and the suggested alternative does work: sqrt of the sum of squares
    F = matrix_norm(M, "frobenius")
    values = dict(zip(sorted(M.free_symbols, key=str), range(1, 10), strict=True))
    assert sp.simplify(F.subs(values) - sp.sqrt(sum(v * v for v in range(1, 10)))) == 0


def test_spectral_radius_symbolic_3x3_raises():
    M = sp.Matrix(3, 3, sp.symbols("m1:10", real=True))
    with pytest.raises(ValueError, match="spectral radius"):
        spectral_radius(M)


@pytest.mark.parametrize("bad", ["l2", "fro", "Spectral", "2", 2, None, "max"])
def test_matrix_norm_unknown_name_lists_valid_ones(bad):
    with pytest.raises(ValueError) as info:
        matrix_norm(sp.Matrix([[1, 2], [3, 4]]), bad)
    message = str(info.value)
    assert repr(bad) in message
    for name in NORMS:
        assert name in message


def test_norm_bound_unknown_norm_raises():
    rnn = derive.RNN(hidden=2, W_hh=[[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="frobenius"):
        norm_bound(rnn, 3, norm="nuclear")
