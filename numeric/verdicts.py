"""Verdicts of the derivative checks: the report of one method, and the two ways its
comparisons are tallied.

``Tally`` (difference quotients, entry by entry): an entry is judged where its rounding floor
(plus truncation estimate) is at most rtol |value|; exact zeros must be zero to within the
floor.  ``Verdict`` (complex step and mpmath, normwise per quantity): a quantity is decided
where its conditioning allowance B is at most rtol max|Q| and passes iff its error is at most
rtol max|Q| + B; elsewhere it is not judged unless its error exceeds even that (a failure).
A method that judged nothing and failed nothing was not performed: ``passed`` None (n/a).
"""

from dataclasses import asdict, dataclass

import numpy as np

from numeric import display


@dataclass(frozen=True)
class CheckReport(display.Displayed):
    """One method's verdict: errors over the entries it could judge, its tolerance, a note.

    ``passed``: True or False for a check performed, None for one not performed (n/a, the
    reason in ``note``).  ``applicable``: whether the method applies to φ at all.
    ``componentwise_rel_error``: the worst |error| / |true value| over the single entries
    judged (difference quotients are judged entry by entry, so it is ``max_rel_error``;
    complex step and mpmath also compare normwise), None where no entry was judged.
    ``tolerance_source``: where ``tolerance`` comes from when an error model raised it above
    the method's default (``numeric.error_model``), else "".
    """

    method: str
    step: float | None
    max_abs_error: float | None
    max_rel_error: float | None
    tolerance: float
    passed: bool | None
    applicable: bool = True
    note: str = ""
    componentwise_rel_error: float | None = None
    tolerance_source: str = ""

    def to_dict(self):
        return asdict(self)

    def _display_parts(self):
        return display.CHECK_HEADER, [display.check_row(self)], f"{self.method} check"


class Tally:
    """Running maxima of errors, and counts for the note."""

    def __init__(self):
        self.abs = self.rel = 0.0
        self.failed = self.uninformative = self.kink = self.judged = self.zeros = 0
        self.ambiguous = 0

    def add(self, error, reference, tol, floor):
        zero = reference == 0  # a quotient must then be zero to within its rounding floor
        self.failed += int(np.sum(zero & (error > floor)))
        informative = ~zero & (floor <= tol * np.abs(reference))
        self.uninformative += int(np.sum(~zero & ~informative))
        self.judged += int(np.sum(informative))
        self.zeros += int(np.sum(zero))
        self.abs = max(self.abs, float(np.max(error, initial=0.0)))
        if informative.any():
            rel = error[informative] / np.abs(reference[informative])
            self.rel = max(self.rel, float(np.max(rel)))
            self.failed += int(np.sum(error[informative] > tol * np.abs(reference[informative])
                                      + floor[informative]))

    def report(self, method, step, tol):
        notes = []
        if self.uninformative:
            notes.append(f"{self.uninformative} entries below the rounding floor of the "
                         "quotient: uninformative there")
        if self.zeros:
            notes.append(f"{self.zeros} exact-zero entries checked against the rounding floor")
        if not self.judged and not self.failed:
            notes.insert(0, "not performed: no nonzero entry could be resolved to the tolerance "
                         "(rounding floor plus truncation estimate above rtol |value|)")
        if self.kink:
            notes.append(f"{self.kink} entries with a kink of phi' within the step: "
                         "compared one-sided differences")
        if self.ambiguous:
            notes.append(f"{self.ambiguous} entries of dL/dW_hh not judged: two or more "
                         "pre-activations on kinks where phi' jumps (no one-sided quotient "
                         "need equal the value at the kinks' convention)")
        passed = False if self.failed else (True if self.judged else None)
        return CheckReport(method, step, self.abs, self.rel if self.judged else None, tol,
                           passed, True, "; ".join(notes), self.rel if self.judged else None)


class Verdict:
    """Normwise comparisons with a conditioning allowance B: decided where B ≤ rtol max|exact|
    (pass iff error ≤ rtol max|exact| + B), not judged elsewhere unless the error exceeds
    that bound (a failure whatever float64 could resolve)."""

    def __init__(self, tol):
        self.tol, self.abs, self.rel = tol, 0.0, 0.0
        self.decided = self.undecided = self.failed = 0

    def add(self, error, scale, allowance, tol=None, absolute=None):
        """One quantity; ``tol``: its own tolerance (widened, ``numeric.check_horizon``, or
        from ``numeric.error_model``); ``absolute``: its absolute error where ``error`` and
        ``scale`` are given relative to its size (a product below float64's range)."""
        tol = self.tol if tol is None else tol
        bound = tol * scale + allowance
        self.failed += int(not error <= bound)
        self.abs = max(self.abs, error if absolute is None else absolute)
        if allowance <= tol * scale:
            self.decided += 1
            self.rel = max(self.rel, error / scale if scale else (0.0 if error == 0 else np.inf))
        else:
            self.undecided += 1

    def report(self, method, step, notes, empty_reason):
        if self.undecided:
            notes.append(f"{self.undecided} quantities not judged: built from phi'(a_k) "
                         "or states h_k float64 cannot know to rtol (near a zero of phi', deep in "
                         "a tail, on a kink)")
        if not self.decided and not self.failed:
            reason = "every quantity lies " + empty_reason if not self.undecided else \
                "no quantity float64 can resolve to rtol"
            notes.insert(0, f"not performed: {reason}")
            return CheckReport(method, step, None, None, self.tol, None, True, "; ".join(notes))
        passed = not self.failed
        return CheckReport(method, step, self.abs, self.rel if self.decided else None, self.tol,
                           passed, True, "; ".join(notes))
