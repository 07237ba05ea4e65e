"""γ of a custom formula through the real CLI: a feature far out is bounded, never missed."""

import json
import re

from hostile import assert_clean, assert_refused, rnngrad


def test_far_feature_gamma_is_not_underestimated():
    """Before: γ = 1.0·10^-6 "certified"; truth ≈ 0.999999 at z ≈ 10^5."""
    run = rnngrad("derive", "--formula", "atan(x-100000)+sin(x)/1000000", "--hidden", "1",
                  "--steps", "1", "--format", "json", timeout=30)
    if run.returncode == 2:
        assert_refused(run, "certified")
        return
    assert_clean(run)
    gamma = float(re.sub(r"[^0-9.eE+-]", "", str(json.loads(run.stdout)["gamma"])))
    assert gamma >= 0.999
