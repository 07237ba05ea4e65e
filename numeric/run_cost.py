"""The time ``rnngrad check`` (``numeric.run_checks`` and the forward pass, bound and product
checks around it) takes on a case of n hidden units and T steps, estimated before it runs.

Per step the check costs about

    s(n) = STEP_S + SQUARE_S·n² + CUBE_S·n³   seconds,  and once CASE_S·n³


(the per-step Python overhead of the four methods; the entry-by-entry differences and
complex steps of every J_t, n columns of n-vector steps; mpmath's 50-digit products and
Jacobians, O(n³) a step).  Measured on the two-core development machine under load
(tanh, with a target y, T·s(n) against the wall time of ``check_case``): n = 1 at T = 100,
1000, 10⁴: 2.3, 2.7, 1.8 ms a step; n = 5, 10, 20, 30, 40: 17, 52, 210, 940, 860 ms; n = 80,
T = 10: 66 s in all; ``run_checks`` alone at n = 78, T = 1: 20 s (``python -m numeric.limits
--quick``), the once-per-case part.  The model is meant to be right within a factor of about 2.

>>> round(check_seconds(80, 10))
104
"""

STEP_S = 2.4e-3     # s a step at n = 1
SQUARE_S = 4e-4     # s a step per n² (differences and complex steps of every J_t entry)
CUBE_S = 1.3e-5     # s a step per n³ (mpmath's products)
CASE_S = 2.4e-5     # s per n³ once per case (the dh_T/dh_0 and loss checks)
BUDGET_S = 60.0     # rnngrad check refuses a longer estimate without --force


def check_seconds(n, T):
    """Estimated wall time in seconds of ``rnngrad check`` on n hidden units and T steps."""
    return T * (STEP_S + SQUARE_S * n**2 + CUBE_S * n**3) + CASE_S * n**3
