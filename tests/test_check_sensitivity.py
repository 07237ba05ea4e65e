"""``rnngrad check`` on a chaotic case before its predictability horizon: tanh, n = 16,
W_hh = 3 W0, T = 200, weights and drive from one default_rng(0) stream.  The references that
recompute the forward pass meet other roundings, which the trajectory amplifies; their
tolerance is widened to 100 (separation − 2^-50), the separation taken here from a twin loop
written out, and a derivative off by 1e-3 relative is still caught."""

import dataclasses
import re

import numpy as np
import pytest

import numeric
from numeric import rnn
from numeric.complex_step import check_complex_step
from numeric.verify import check_differences
from tests.check_cases import chaotic_arrays, chaotic_case_file

WIDENED = re.compile(r"tolerance widened to ([0-9.e+-]+): the trajectory amplifies a few "
                     r"roundings to a relative separation of ([0-9.e+-]+) \(twin run\)")


def hand_separation(W, U, x, h0):
    """max_k ‖h_k − h̃_k‖∞ / max(1, ‖h_k‖∞), the twin from h0 ± 2^-50 max(1, |h0|) (signs from
    default_rng(0)), restarted where it falls on the trajectory."""
    signs = np.random.default_rng(0).choice([-1.0, 1.0], size=len(h0))

    def twin_of(h):
        return h + 2.0**-50 * max(1.0, float(np.max(np.abs(h)))) * signs

    h, twin = np.array(h0, float), twin_of(np.array(h0, float))
    worst = float(np.max(np.abs(h - twin))) / max(1.0, float(np.max(np.abs(h))))
    for k in range(1, len(x) + 1):
        h, twin = np.tanh(h @ W.T + U @ x[k - 1]), np.tanh(twin @ W.T + U @ x[k - 1])
        if np.array_equal(h, twin):
            twin = twin_of(h)
        worst = max(worst, float(np.max(np.abs(h - twin))) / max(1.0, float(np.max(np.abs(h)))))
    return worst


@pytest.fixture(scope="module")
def separation():
    W, U, x, _ = chaotic_arrays(drive_seed=None)
    return hand_separation(W, U, x, np.zeros(len(W)))


def test_before_the_horizon_the_recomputing_checks_pass_with_the_widened_tolerance(separation):
    """Complex step and central differences (the 50-digit oracle over 200 steps of n = 16 is
    too slow for this file; it is widened by the same rule)."""
    assert 1e-7 < separation < 1e-4     # amplified, yet no horizon within T = 200
    case = numeric.case_from_dict(chaotic_case_file(drive_seed=None))
    horizon = numeric.case_horizon(case)
    assert horizon.horizon is None and horizon.reliable
    assert horizon.separation == pytest.approx(separation, rel=1e-12)
    assert horizon.to_dict()["trajectory_separation"] == horizon.separation
    allowance = 100 * (separation - 2.0**-50)
    bare = check_complex_step(case)
    assert bare.passed is False      # at the rounding level's tolerance: the false verdict
    central = check_differences(case, "central")     # its tolerance stays as it is
    assert central.passed is True and not WIDENED.search(central.note)
    for report in (check_complex_step(case, horizon=horizon),):
        assert report.passed is True, report
        found = WIDENED.search(report.note)
        assert found, report.note
        assert float(found.group(1)) == pytest.approx(allowance, rel=0.01)
        assert float(found.group(2)) == pytest.approx(separation, rel=0.01)
        assert report.tolerance < allowance


def test_a_wrong_gradient_is_still_caught(monkeypatch, capsys, tmp_path):
    right = rnn.bptt

    def wrong(*args):
        grads = right(*args)
        return dataclasses.replace(grads, W_hh=grads.W_hh * (1 + 1e-3))

    monkeypatch.setattr(rnn, "bptt", wrong)
    case = numeric.case_from_dict(chaotic_case_file(drive_seed=None))
    horizon = numeric.case_horizon(case)
    report = check_complex_step(case, horizon=horizon)
    assert report.passed is False, report
    assert WIDENED.search(report.note)
