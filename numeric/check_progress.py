"""Progress of a run of checks (``numeric.run_checks(..., progress=...)``), as one count.

The run is a list of stages (the mpmath oracle, central, Richardson, complex step, mpmath; a
cell case: the four checks), STAGE_UNITS units of the count each, shared out by their
estimated cost when the caller gives weights (``numeric.run_cost.stage_weights``: at n = 80
the oracle and the final mpmath check are 40 % and 30 % of the run, at n = 1 every stage is
10 % to 30 %; cell checks are of one order of cost): a stage's own loop (its step Jacobians
J_k, then its ∂L/∂W_hh entries) moves its share in proportion, so done/total is a rough
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

    def __init__(self, progress, names, weights=None):
        self.progress, self.names = progress, list(names)
        self.total = STAGE_UNITS * len(self.names)
        weights = [1.0] * len(self.names) if weights is None else [weights[n] for n in names]
        edges = [sum(weights[:i]) / sum(weights) for i in range(len(weights) + 1)]
        self.edges = [round(self.total * edge) for edge in edges]

    def stage(self, name):
        if self.progress is None:
            return quiet
        i = self.names.index(name)
        start, share = self.edges[i], self.edges[i + 1] - self.edges[i]

        def tick(done, units, text=""):
            count = start + share * min(done, units) // max(units, 1)
            self.progress(count, self.total, f"{name}: {text}" if text else name)

        self.progress(start, self.total, f"{name}: starting")
        return tick

    def finish(self):
        """The whole count done (after the last stage)."""
        if self.progress is not None:
            self.progress(self.total, self.total, "checks done")
