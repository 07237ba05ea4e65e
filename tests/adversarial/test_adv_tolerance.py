"""Hostile tolerances through the real ``rnngrad check``: a long correct run is not a false
FAIL (the product's tolerance grows with T and says why).  An --rtol that is not a finite
number > 0 (0, -1, nan, inf) is refused in one line: tests/test_check_cli_tolerances.py."""

import json

from tests.adversarial.hostile import assert_clean, rnngrad

# tanh at its fixed point h = 0.49 (W_hh = 1.25, x = -0.0764): each factor of dh_T/dh_0 is
# 0.95, and at T = 1000 rounding leaves the correct float product 1.9e-12 from the exact one
LONG = {"activation": "tanh", "W_hh": [[1.25]], "W_xh": [[1.0]], "h0": [0.49],
        "x": [[-0.0764]] * 1000}


def test_a_long_correct_run_passes_with_the_tolerance_of_its_product(tmp_path):
    path = tmp_path / "long.json"
    path.write_text(json.dumps(LONG), encoding="utf-8")
    run = rnngrad("check", path, "--json", timeout=30)
    assert_clean(run, 0)
    mpmath = json.loads(run.stdout)["checks"]["mpmath"]
    assert mpmath["passed"] is True
    assert 1e-12 < mpmath["max_rel_error"] < mpmath["tolerance"] < 1e-11, mpmath
    assert "(2n + 8) T eps" in mpmath["tolerance_source"]
    assert "T = 1000" in mpmath["tolerance_source"]
