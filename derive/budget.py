"""Limits on symbolic work: a processor-time budget and cheap structural caps checked first.

SymPy's simplification, differentiation and root finding can take minutes on a formula of a
few dozen characters (sin nested 40 deep; Max of six Abs terms).  ``symbolic_budget`` bounds
the time: on the main thread an ``ITIMER_PROF`` timer raises ``SymbolicBudgetExceeded`` (a
ValueError, so the command line reports it in one line, exit 2) when the work takes more than
``seconds`` of processor time; off the main thread (where signals cannot be delivered) it runs
unbounded.  Processor time, not wall time: on a busy machine the same derivation gets the same
verdict (SymPy's work is single-threaded and never waits).
``check_structure`` refuses in microseconds the formulas that are known to be slow:
nesting deeper than ``MAX_DEPTH`` or more than ``MAX_PIECES`` Max/Min/Abs/Piecewise/sign
pieces, each of which doubles the case analysis behind γ = sup_z |φ'(z)|.

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> check_structure(sp.sin(sp.sin(x)), "--formula")
>>> with symbolic_budget(5, "a sum"):
...     sp.expand((x + 1) ** 3)
x**3 + 3*x**2 + 3*x + 1
"""

import contextlib
import signal
import threading

import sympy as sp

BUDGET_SECONDS = 20.0    # symbolic work the command line allows before it refuses
# Measured (γ of a custom formula, 2 busy cores): sin nested 2, 3, 4, 5 deep took 3.6, 6.6, 11,
# 20 s (doubling per level; 12 deep 84 s, 40 deep over 11 minutes); Max of 2, 3, 4 Abs terms
# (3, 4, 5 pieces) 2.4, 7.3, 38 s (six terms over 70 s).
MAX_DEPTH = 6            # function-in-function nesting of a custom activation
MAX_PIECES = 4           # Max/Min/Abs/Piecewise/sign/Heaviside pieces of a custom activation
_PIECEWISE = (sp.Max, sp.Min, sp.Abs, sp.Piecewise, sp.sign, sp.Heaviside)


# Sizes the symbolic derivation takes on (measured, `rnngrad derive --activation tanh --steps 3
# --format text`: n = 100 in 5 s, 200 in 10 s, 400 in 27 s and 290 MB, 1000 over 60 s and
# 1.2 GB; m = 100 inputs in 9 s, 300 in 17 s, 1000 in 34 s; T = 10^7 steps in 8 s).
MAX_HIDDEN = 100
MAX_INPUTS = 100
MAX_STEPS = 10**7


class SymbolicBudgetExceeded(ValueError):
    """Symbolic work ran past its time budget, or a formula is beyond the structural caps."""


@contextlib.contextmanager
def symbolic_budget(seconds, what, instead="`rnngrad check` and `rnngrad sweep` evaluate it "
                    "numerically"):
    """Run the block within ``seconds`` of processor time; ``SymbolicBudgetExceeded`` naming
    ``what`` and ``instead`` (the numeric path) when it runs over.  ``seconds`` None or ≤ 0,
    or a caller off the main thread: no limit.  An enclosing budget is restored afterwards."""
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    message = (f"the symbolic derivation of {what} did not finish within {seconds:g} s "
               f"of computing; {instead}")

    done = []

    def alarm(signum, frame):
        if done:   # the block is over: an alarm already on its way is dropped
            return
        # SymPy catches ValueError in places and carries on: raise again every 50 ms until the
        # exception leaves the block
        signal.setitimer(signal.ITIMER_PROF, 0.05)
        raise SymbolicBudgetExceeded(message)

    previous = signal.signal(signal.SIGPROF, alarm)
    outer_left, _ = signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        try:
            done.append(True)
        finally:   # runs even when an alarm lands on the line above
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous)
            if outer_left:   # an enclosing budget keeps (roughly) what it had left
                signal.setitimer(signal.ITIMER_PROF, max(outer_left - seconds, 1e-3))


def depth(expr):
    """Nesting depth of ``expr``'s function applications (x: 0, sin(x): 1, sin(x + 1): 1).

    >>> x = sp.Symbol("x")
    >>> depth(sp.sin(sp.cos(x) + 1)), depth(x**2)
    (2, 0)
    """
    if not isinstance(expr, sp.Basic) or not expr.args:
        return 0
    inner = max(depth(arg) for arg in expr.args)
    return inner + 1 if isinstance(expr, sp.Function) or isinstance(expr, _PIECEWISE) else inner


def check_structure(expr, what):
    """SymbolicBudgetExceeded naming ``what`` when ``expr`` nests functions deeper than
    ``MAX_DEPTH`` or holds more than ``MAX_PIECES`` piecewise pieces (Max, Min, Abs, ...)."""
    nested = depth(expr)
    if nested > MAX_DEPTH:
        raise SymbolicBudgetExceeded(
            f"{what}: functions nested {nested} deep; the symbolic derivation handles at most "
            f"{MAX_DEPTH} (each level doubles its time); use a simpler formula or a registered "
            "activation (rnngrad derive --help lists them)")
    pieces = sum(1 for node in sp.preorder_traversal(expr) if isinstance(node, _PIECEWISE))
    if pieces > MAX_PIECES:
        raise SymbolicBudgetExceeded(
            f"{what}: {pieces} Max/Min/Abs/Piecewise/sign pieces; the symbolic derivation "
            f"handles at most {MAX_PIECES} (each multiplies its case analysis); use a simpler "
            "formula or a registered activation (rnngrad derive --help lists them)")
