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

A cell case (``cell_check_seconds``, constants below) is estimated from its state size S,
its parameters and its gates the same way.

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


def case_check_seconds(case):
    """Estimated wall time of ``rnngrad check`` on ``case``: ``check_seconds`` for a
    ``numeric.Case``, ``cell_check_seconds`` for a ``numeric.CellCase``."""
    from numeric.cell_case import CellCase

    if not isinstance(case, CellCase):
        return check_seconds(case.W_hh.shape[0], case.T)
    kind, n = case.kind, case.hidden
    parameters = sum(int(value.size) for value in case.params.values())
    return cell_check_seconds(kind.name, case.T, len(kind.state) * n, parameters,
                              len(kind.channels) * n)


def stage_weights(n, T):
    """The share of each stage of ``numeric.run_checks`` in its time, per step (relative):
    measured on a lightly loaded machine at n = 1, T = 2000 (0.17, 0.26, 0.31, 0.18, 0.40 ms
    a step) and n = 80, T = 10 (1.6, 0.41, 0.55, 0.42, 1.3 s a step: the oracle's 50-digit
    products J_T ⋯ J_1 and the mpmath check's rounding floors, 50-digit products of |J_k|,
    grow as n³)."""
    return {"mpmath oracle": 1.7e-4 + 3.2e-6 * n**3,
            "central differences": 2.6e-4 + 6.4e-5 * n**2,
            "Richardson differences": 3.1e-4 + 8.6e-5 * n**2,
            "complex step": 1.8e-4 + 6.6e-5 * n**2,
            "mpmath": 4.0e-4 + 2.5e-6 * n**3}


# Cell cases (``numeric.cell_checks``), S = parts·n the state size, P the parameters' entries,
# C = channels·n the gate inputs; fitted (least squares in relative error) to the wall time of
# ``check_case`` on 30 cases, tanh Elman, IndRNN, GRU and LSTM with m = 1 and a target y,
# n = 1…64, T = 1…500, on the two-core development machine at load 6 to 8: 0.4 to 1.4 times
# the measured time, except T = 1 with h_0 = 0 (every ∂L/∂W_hh entry exactly 0, each judged
# against its rounding floor by extra steps): up to 4 times longer (Elman n = 48, T = 1: 6.8 s
# measured, 1.6 s estimated).
CELL_STEP_S = {"elman": 2.3e-3, "indrnn": 6.6e-3, "gru": 3.9e-2, "lstm": 2.9e-2}
PARAM_S = 4.7e-4        # s a step per parameter entry (the gradients' differences, complex step)
CELL_CUBE_S = 2.2e-6    # s a step per (C + S)·S² (the 50-digit oracle's Jacobians and products)
SETUP_GATED_S = 0.6     # s once for an LSTM or GRU (SymPy derives the gates' unit map)


def cell_check_seconds(cell, T, S, parameters, channels):
    """Estimated wall time of ``rnngrad check`` on a cell case of type ``cell`` ("elman",
    "indrnn", "gru", "lstm"): T steps, state size S, ``parameters`` entries and ``channels``
    gate inputs (channels·n: n for Elman and IndRNN, 4n for GRU and LSTM).

        SETUP_GATED_S [gated] + T (CELL_STEP_S[cell] + PARAM_S P + CELL_CUBE_S (C + S) S²)

    >>> round(cell_check_seconds("lstm", 20, 64, 4 * 32 * 35, 128))   # n = 32, m = 1
    78
    """
    per_step = CELL_STEP_S.get(cell, max(CELL_STEP_S.values())) + PARAM_S * parameters \
        + CELL_CUBE_S * (channels + S) * S**2
    return SETUP_GATED_S * (cell in ("gru", "lstm")) + T * per_step
