"""Progress of a run of checks (``numeric.run_checks(..., progress=...)``), as one count.

The run is a list of stages (the mpmath oracle, central, Richardson, complex step, mpmath; a
cell case: the four checks), each STAGE_UNITS units of the count: a stage's own loop (its
step Jacobians J_k, then its ∂L/∂W_hh entries) moves its share in proportion.  The stages are
of one order of cost (measured: each 10 % to 35 % of a run), so done/total is also a rough
fraction of the time.  ``progress(done, total, what)`` gets, between and inside the stages,
``what`` in words: "central differences: J_k 3 of 10".  A stage's ``tick(done, units, text)``
says that ``done`` of its ``units`` are done and what it is at (the text).
"""

STAGE_UNITS = 1000


def quiet(done, units, text=""):
    """The tick of a run without progress: does nothing."""


class Stages:
    """``stage(name)`` gives the tick ``tick(done, units, text)`` of that stage, which calls
    ``progress(done, total, what)`` on the whole run's count."""

    def __init__(self, progress, names):
        self.progress, self.names = progress, list(names)
        self.total = STAGE_UNITS * len(self.names)

    def stage(self, name):
        if self.progress is None:
            return quiet
        start = STAGE_UNITS * self.names.index(name)

        def tick(done, units, text=""):
            count = start + STAGE_UNITS * min(done, units) // max(units, 1)
            self.progress(count, self.total, f"{name}: {text}" if text else name)

        self.progress(start, self.total, f"{name}: starting")
        return tick

    def finish(self):
        """The whole count done (after the last stage)."""
        if self.progress is not None:
            self.progress(self.total, self.total, "checks done")
