"""Caps on work (issue 16 items 8, 9 and 13): grids counted before they are made, digits of
numbers capped, symbolic work under a time budget and structural caps, the check's cost
estimated before it runs, ``python -m numeric.limits`` reading the caps the code checks."""

import argparse
import json
import math
import re
import tracemalloc
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

import derive
import numeric
from derive import budget
from numeric import limits
from reports import cli
from reports.cli_support import UsageError, exact_decimal, integer
from reports.sweeping import MAX_GRID, parse_T, parse_w


@pytest.mark.parametrize("text, option, words", [
    ("0:1:1000000000", "--w", "10^9"), ("0:1:1000000000000", "--gain", "10^12"),
    (",".join(["1"] * (MAX_GRID + 1)), "--w", "500,001")])
def test_parse_w_refuses_a_huge_grid_before_allocating(text, option, words):
    tracemalloc.start()
    with pytest.raises(ValueError, match=re.escape(f"{option} has {words} points")) as err:
        parse_w(text, option)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "GiB" in str(err.value) and peak < 64 * 2**20   # far below one float per point


def test_parse_T_refuses_a_huge_range_and_long_integers():
    with pytest.raises(ValueError, match=re.escape("--T has 10^7 points")):
        parse_T("1:10000000")
    with pytest.raises(ValueError, match="digits"):
        parse_T("1" * 40)


def test_grid_at_the_cap_is_accepted_and_one_more_refused():
    assert parse_w(f"0:1:{MAX_GRID}").size == MAX_GRID
    with pytest.raises(ValueError, match="points"):
        parse_w(f"0:1:{MAX_GRID + 1}")


def test_parse_w_extreme_range_is_finite_without_warnings():
    values = parse_w("-1e308:1e308:5")   # filterwarnings=error: an overflow warning fails
    expected = [-1e308, -5e307, 0.0, 5e307, 1e308]   # start·(1 − t) + stop·t by hand
    assert values.tolist() == pytest.approx(expected, rel=1e-15, abs=0)


@pytest.mark.parametrize("text, value", [("0.1", Fraction(1, 10)), ("2.5e-1", Fraction(1, 4)),
                                         ("-3/40", Fraction(-3, 40)), (".5", Fraction(1, 2))])
def test_exact_decimal_reads_short_numbers_exactly(text, value):
    assert exact_decimal(text, "--alpha") == value


@pytest.mark.parametrize("text, words", [("1e100000000", "exponent"), ("1e-401", "exponent"),
                                         ("1" * 60, "significant"), ("1/" + "7" * 51, "digits"),
                                         ("0x10", "decimal")])
def test_exact_decimal_refuses_huge_numbers_naming_the_option(text, words):
    with pytest.raises(UsageError, match=f"^--alpha.*{words}"):
        exact_decimal(text, "--alpha")


@pytest.mark.parametrize("text, message", [
    ("-1", "must be from 0 to 9,223,372,036,854,775,807, got -1"),
    ("1" + "0" * 100, "100000000000... has 101 digits; must be from 0 to "
                      "9,223,372,036,854,775,807"),
    ("-" + "9" * 30, "-99999999999... has 30 digits; must be from 0 to "   # not "larger than"
                     "9,223,372,036,854,775,807"),
    ("x", "'x' is not an integer")])
def test_integer_type_refuses_long_and_out_of_range_values(text, message):
    parse = integer(0, 2**63 - 1)
    assert parse("12") == 12 and parse(str(2**63 - 1)) == 2**63 - 1
    with pytest.raises(argparse.ArgumentTypeError) as info:
        parse(text)
    assert str(info.value) == message


def test_depth_counts_nested_function_applications():
    x = sp.Symbol("x")
    expr = x
    for _ in range(7):   # sin∘cos∘sin∘... seven applications, counted by hand
        expr = sp.sin(expr + 1) if _ % 2 else sp.cos(2 * expr)
    assert budget.depth(expr) == 7
    assert budget.depth(x**3 + 2 * x) == 0


@pytest.mark.parametrize("formula, words", [
    ("sin(" * 40 + "x" + ")" * 40, "nested 40 deep"),
    ("sin(" * 12 + "x" + ")" * 12, "nested 12 deep"),
    ("Max(Abs(x-1),Abs(x+1),Abs(x-2),Abs(x+2),Abs(x-3),Abs(x+3))", "7 Max/Min/Abs")])
def test_parse_activation_refuses_slow_formulas_at_once(formula, words):
    with pytest.raises(derive.SymbolicBudgetExceeded, match=words):
        derive.parse_activation(formula)


def test_symbolic_budget_stops_a_slow_derivation(monkeypatch):
    import derive.parser

    monkeypatch.setattr(derive.parser, "BUDGET_SECONDS", 0.3)
    with pytest.raises(derive.SymbolicBudgetExceeded, match="did not finish within 0.3 s"):
        derive.parse_activation("sin(sin(sin(sin(sin(x)))))")   # about 20 s unbounded


def test_symbolic_budget_restores_an_outer_timer():
    import signal

    with derive.symbolic_budget(30, "outer"):
        with derive.symbolic_budget(5, "inner"):
            pass
        left = signal.getitimer(signal.ITIMER_PROF)[0]
    assert 20 < left <= 30 and signal.getitimer(signal.ITIMER_PROF)[0] == 0


def _case_file(tmp_path, n, T):
    rng = np.random.default_rng(0)
    data = {"activation": "tanh", "W_hh": (0.5 * rng.standard_normal((n, n)) / n).tolist(),
            "W_xh": np.ones((n, 1)).tolist(), "x": np.zeros((T, 1)).tolist()}
    path = tmp_path / f"case_{n}_{T}.json"
    path.write_text(json.dumps(data))
    return str(path)


@pytest.mark.parametrize("n, T", [(80, 10), (1, 30_000), (200, 1)])
def test_check_refuses_a_long_check_with_its_estimate(tmp_path, capsys, n, T):
    assert cli.main(["check", _case_file(tmp_path, n, T)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--force" in err and f"n = {n}, T = {T}" in err
    seconds = T * (2.4e-3 + 4e-4 * n**2 + 1.3e-5 * n**3) + 2.4e-5 * n**3   # the help's formula
    assert seconds > numeric.CHECK_BUDGET_S
    assert math.isclose(numeric.check_seconds(n, T), seconds, rel_tol=1e-12)


def test_limits_rows_are_the_checked_caps():
    rows = {(command, what): value for command, what, value, _ in limits.caps()}
    assert rows[("sweep", "grid points (w values x T values)")] == f"{MAX_GRID:,}"
    assert rows[("derive", "--hidden n")] == f"{derive.MAX_HIDDEN:,}"
    n = int(rows[("check", f"n at T = 1 (within {numeric.CHECK_BUDGET_S:g} s)")])
    fits = [k for k in range(1, 1000)
            if 1 * (2.4e-3 + 4e-4 * k**2 + 1.3e-5 * k**3) + 2.4e-5 * k**3
            <= numeric.CHECK_BUDGET_S]
    assert n == max(fits)


@pytest.mark.parametrize("args, words", [
    (["--activation", "tanh", "--hidden", "1000", "--steps", "3"], ("--hidden", "rnngrad check")),
    (["--formula", "Max(Abs(x-1),Abs(x+1),Abs(x-2),Abs(x+2),Abs(x-3),Abs(x+3))", "--hidden",
      "1", "--steps", "1"], ("Max/Min/Abs",))])
def test_derive_refuses_hostile_sizes_in_one_line(capsys, args, words):
    status = cli.main(["derive", *args])
    err = capsys.readouterr().err.strip()
    assert status == 2 and "\n" not in err and all(word in err for word in words)


def test_sweep_seed_is_named_and_refused_without_noise(capsys):
    assert cli.main(["sweep", "--w", "0.5", "--T", "3", "--seed", "3"]) == 2
    assert "--seed 3 has no effect without --noise" in capsys.readouterr().err
