"""The predictability horizon of one check case (``numeric.horizon``'s rule on the case's own
forward map), and what it means for the derivative checks.

Forward map: Elman h_k = φ(W_hh h_{k−1} + W_xh x_k + b_h) (``Case.step_map``); a cell: its
channels and unit map, one step at a time (``cell_probe.one_step``, as ``cells.forward``).
A linear forward pass (φ the identity) is always reliable: its derivative does not depend on
the trajectory, so no horizon is estimated (``horizon`` None).

Beyond the horizon (T ≥ horizon) the comparisons whose reference recomputes the whole forward
pass (difference quotients of the loss, complex step through every step, the 50-digit oracle)
follow another sample of the chaotic trajectory: they are not judged (``BEYOND``).  The step
Jacobians J_k are still compared: each reference differentiates the one-step map at the same
stored (rounded) state s_{k−1}.

Before the horizon the complex step of the loss and the oracle (for a cell: its states, the
only quantity it recomputes) are judged with their tolerance widened to
max(tol, SENSITIVITY · (separation − 2^-50)), separation = max_k e_k, the twin run's largest
relative separation over the run (``numeric.horizon.twin_separation``; 0 for a linear pass),
less the twin's start 2^-50 (the rounding level every tolerance already covers): the
reference's other roundings are amplified along the trajectory as the twin's few ulps are, and
a relative change δ of the states changes the derivative by about Σ_k |φ''/φ'| |Δa_k|, at most
O(T max|φ''/φ'|) δ but, since the separation grows geometrically, dominated by its last steps
(a few times δ).  SENSITIVITY = 100 covers that with room: on tanh, n = 16, W_hh = 3 W0,
T = 200 (separation 2.6e-6) the complex step's relative error on ∂L/∂W_hh is 1.5e-8, i.e.
0.006 · separation.  A stable trajectory's separation stays at the rounding level (2^-50 at the
start; up to AMPLIFIED = 2^-40 counts as rounding), so its tolerances are unchanged, even a
--rtol below them.
Difference quotients keep their tolerance: their rounding floor already holds the roundings of
the recomputed loss, and a wider tolerance would judge entries whose truncation estimate the
chaotic loss makes unreliable (tanh, n = 16, W_hh = 3 W0, T = 200: errors of 100 % at 2.6e-4).
"""

from dataclasses import dataclass, replace

import numpy as np

from numeric import horizon as hz

SENSITIVITY = 100.0
AMPLIFIED = 2.0**-40   # a separation at most 2^10 times the twin's start: rounding level
LINEAR_NOTE = ("horizon: not estimated for a linear forward pass (phi the identity): its "
               "derivative does not depend on the trajectory, so every T is reliable")


@dataclass(frozen=True)
class CaseHorizon:
    """``horizon``: first step k with twin separation > THRESHOLD, None where there is none
    (or for a linear pass); ``reliable``: T < horizon or no horizon; ``rate``: (1/T) log10
    ‖∂s_T/∂s_0‖₂ (None where that log10 is)."""

    horizon: int | None
    reliable: bool
    rate: float | None
    T: int
    linear: bool = False
    separation: float = 0.0

    def beyond(self):
        """The reason for a comparison not judged beyond the horizon, or None when reliable."""
        if self.reliable:
            return None
        return beyond_reason(self.horizon, self.T)

    def widened(self, tol):
        """(tolerance of the comparisons whose reference recomputes the forward pass, the note
        saying so or None when it is ``tol`` unchanged)."""
        wide = max(tol, SENSITIVITY * (self.separation - hz.PERTURBATION))
        if wide <= tol or self.separation <= AMPLIFIED:
            return tol, None
        return wide, (f"tolerance widened to {wide:.2g}: the trajectory amplifies a few "
                      f"roundings to a relative separation of {self.separation:.2g} (twin run)")

    def to_dict(self):
        note = LINEAR_NOTE if self.linear else hz.HORIZON_NOTE
        return {"horizon": self.horizon, "reliable": self.reliable, "rate": self.rate,
                "trajectory_separation": self.separation,
                "horizon_rule": hz.RULE_TEXT, "horizon_note": note}


def widened(horizon, tol):
    """``horizon.widened(tol)``; (tol, None) when there is no ``CaseHorizon``."""
    return (tol, None) if horizon is None else horizon.widened(tol)


def with_note(report, note):
    """``report`` with ``note`` appended (unchanged when ``note`` is None)."""
    if note is None:
        return report
    return replace(report, note=f"{report.note}; {note}" if report.note else note)


def beyond_reason(horizon, T):
    return (f"beyond the predictability horizon (step {horizon} < T = {T}): the reference "
            "recomputes the chaotic trajectory with other roundings, so it follows another "
            "sample")


def _linear(activation):
    return activation is not None and activation.name == "identity"


def case_step(case):
    """step(k, s) -> s_k, the case's forward map at step k (batched over leading dims)."""
    from numeric.cell_case import CellCase

    if isinstance(case, CellCase):
        from numeric import cell_probe

        return lambda k, s: cell_probe.one_step(case, k, s)
    return lambda k, s: case.step_map(k)(s)


def case_start(case):
    from numeric.cell_case import CellCase

    return case.s0 if isinstance(case, CellCase) else case.h0


def case_horizon(case, log10_norm=None):
    """The ``CaseHorizon`` of a ``numeric.Case`` or ``numeric.CellCase`` (``log10_norm``:
    log10 ‖∂s_T/∂s_0‖₂ for the rate, None where not finite)."""
    rate = None if log10_norm is None or not np.isfinite(log10_norm) \
        else float(log10_norm) / case.T
    if _linear(case.activation):
        return CaseHorizon(None, True, rate, case.T, linear=True)
    separation = hz.twin_separation(case_step(case), case_start(case), case.T)
    h = int(hz.horizon_steps(separation))
    horizon = None if h == hz.NO_HORIZON else h
    return CaseHorizon(horizon, bool(hz.reliable_mask(h, [case.T])[0]), rate, case.T,
                       separation=float(np.max(separation)))


def not_compared(report, what, beyond):
    """``report`` (a ``CheckReport``) with the note that ``what`` was not compared because
    ``beyond``; unchanged when ``beyond`` is None."""
    if beyond is None:
        return report
    note = f"{what} not compared: {beyond}"
    return replace(report, note=f"{report.note}; {note}" if report.note else note)


def not_performed(method, tol, beyond):
    """The n/a report of a check whose every comparison recomputes the forward pass."""
    from numeric.verdicts import CheckReport

    return CheckReport(method, None, None, None, tol, None, True, f"not performed: {beyond}")
