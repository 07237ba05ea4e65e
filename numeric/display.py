"""Notebook displays of numeric's results: HTML and Markdown tables, pure (no side effects).

Jupyter shows an object through its ``_repr_html_`` (or ``_repr_markdown_``); the result classes
(``CheckReport``, ``ScalarSweep``, ``GainSweep``, ``CellSweep``) call the builders here.
``run_checks`` returns a plain dict (callers index it by method), so ``check_table(checks)``
wraps that dict for display: one row per method, "n/a" and the reason where a check was not
performed.  Every text is HTML-escaped; numbers are shown with 3 significant digits
(``fmt``), log10 values with 2 decimals.

>>> fmt(1.23456e-9), fmt(None), fmt(float("-inf"))
('1.23e-09', 'n/a', '-inf')
"""

import html
import math

import numpy as np

VERDICT = {True: "pass", False: "FAIL", None: "n/a"}
MAX_ROWS = 12  # a sweep table shows at most this many rows (and as many T columns)


def fmt(value, digits=3):
    """A number for people: ``digits`` significant digits, "n/a" for None, ±inf and nan kept."""
    if value is None:
        return "n/a"
    value = float(value)
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return f"{value:.{digits}g}"


def fmt_log(value):
    """A log10 value with 2 decimals ("nan" where not representable)."""
    value = float(value)
    return f"{value:.2f}" if math.isfinite(value) else fmt(value)


def html_table(header, rows, caption=""):
    """An HTML table; every cell and the caption are escaped here."""
    head = "".join(f"<th>{html.escape(str(h), quote=False)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c), quote=False)}</td>"
                                    for c in row) + "</tr>"
                   for row in rows)
    title = f"<caption>{html.escape(caption, quote=False)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def markdown_table(header, rows, caption=""):
    """A Markdown (GFM) table; "|" in a cell is escaped, HTML special characters too."""
    def cell(value):
        return html.escape(str(value), quote=False).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(cell(h) for h in header) + " |",
             "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return (f"**{cell(caption)}**\n\n" if caption else "") + "\n".join(lines) + "\n"


CHECK_HEADER = ("method", "verdict", "max abs error", "max rel error", "tolerance", "step",
                "note")


def check_row(report):
    """One CheckReport as a table row; a check not performed says n/a and why (its note)."""
    note = report.note
    if not report.applicable and not note:
        note = "not applicable to this activation"
    return (report.method, VERDICT[report.passed], fmt(report.max_abs_error),
            fmt(report.max_rel_error), fmt(report.tolerance), fmt(report.step), note)


class CheckTable(dict):
    """The dict ``run_checks`` returns (method → CheckReport), displayed as one table.

    A dict subclass: indexing, iteration and ``==`` behave as for the plain dict."""

    @property
    def passed(self):
        """False if any check failed, True if every performed check passed and at least one
        was performed, None if none was performed."""
        verdicts = [r.passed for r in self.values() if r.passed is not None]
        return None if not verdicts else all(verdicts)

    def _rows(self):
        return [check_row(report) for report in self.values()]

    def _caption(self):
        return f"derivative checks: {VERDICT[self.passed]} overall"

    def _repr_html_(self):
        return html_table(CHECK_HEADER, self._rows(), self._caption())

    def _repr_markdown_(self):
        return markdown_table(CHECK_HEADER, self._rows(), self._caption())


def check_table(checks):
    """``checks`` (the dict of ``numeric.run_checks`` or ``run_cell_checks``) as a
    ``CheckTable``: shown in a notebook as a table of method, verdict, errors, tolerance, note.

    >>> check_table({}).passed is None
    True
    """
    return CheckTable(checks)


def _picks(n):
    """At most MAX_ROWS indices spread evenly over range(n), first and last included."""
    if n <= MAX_ROWS:
        return list(range(n))
    return sorted({int(round(i)) for i in np.linspace(0, n - 1, MAX_ROWS)})


def sweep_rows(name, values, T, table, regime, reliable=None):
    """Header and rows of a sweep grid: one row per (shown) parameter value, one column per
    (shown) T, each cell "log10 (regime)", with "~" after a value beyond the predictability
    horizon (``reliable`` False)."""
    rows, cols = _picks(len(values)), _picks(len(T))
    header = [name] + [f"T = {int(T[j])}" for j in cols]

    def mark(i, j):
        return "" if reliable is None or reliable[i, j] else "~"

    body = [[fmt(values[i])] + [f"{fmt_log(table[i, j])}{mark(i, j)} ({regime[i, j]})"
                                for j in cols] for i in rows]
    return header, body


def _beyond(sweep):
    """The caption's note on values beyond the predictability horizon."""
    if sweep.reliable is None or np.all(sweep.reliable):
        return ""
    return ("; ~ beyond the predictability horizon: one sample of a chaotic trajectory, only "
            "the rate (1/T) log10 is meaningful")


def sweep_caption(quantity, values, T, extra=""):
    shown = "" if len(values) <= MAX_ROWS and len(T) <= MAX_ROWS else \
        f"; {min(len(values), MAX_ROWS)} of {len(values)} rows, " \
        f"{min(len(T), MAX_ROWS)} of {len(T)} lengths shown"
    return f"{quantity} (regime){extra}{shown}"


def _lost(sweep):
    """The caption's note on rows where φ' underflowed (values nan, not representable)."""
    count = int(np.sum(sweep.underflow))
    return f"; nan: φ' underflowed float64 in {count} rows (not representable)" if count else ""


def _kink(sweep):
    """The caption's note on rows whose a_k sat exactly on a kink of φ (φ' there a convention)."""
    count = int(np.sum(sweep.on_kink)) if getattr(sweep, "on_kink", None) is not None else 0
    return (f"; kink: in {count} rows some a_k sits exactly on a kink of φ, where φ' is a "
            "convention (relu'(0) = 0; one-sided 0 and 1), so their verdict rests on it"
            if count else "")


def scalar_sweep_parts(sweep):
    """(header, rows, caption) of a numeric.ScalarSweep."""
    x = "varying x_t" if sweep.x_t is None else f"x_t = {fmt(sweep.x_t)}"
    notes = f"; {sweep.activation}, h_0 = {fmt(sweep.h0)}, {x}"
    if sweep.fixed_point.all():
        notes += "; h_t = h_0 at every step (the linearisation there)"
    caption = sweep_caption("log10 |∂h_T/∂h_0|", sweep.w, sweep.T,
                            notes + _lost(sweep) + _kink(sweep) + _beyond(sweep))
    return (*sweep_rows("w", sweep.w, sweep.T, sweep.log10_abs_grad, sweep.regime,
                        sweep.reliable), caption)


def gain_sweep_parts(sweep):
    """(header, rows, caption) of a numeric.GainSweep."""
    caption = sweep_caption("log10 ‖∂h_T/∂h_0‖₂", sweep.gains, sweep.T,
                            f"; {sweep.activation}, W_hh = g W0" + _lost(sweep) + _kink(sweep)
                            + _beyond(sweep))
    return (*sweep_rows("g", sweep.gains, sweep.T, sweep.log10_norm, sweep.regime,
                        sweep.reliable), caption)


def cell_sweep_parts(sweep):
    """(header, rows, caption) of a numeric.CellSweep (log10‖∂s_T/∂s_0‖₂)."""
    name = "b_f" if sweep.parameter == "forget_bias" else "g"
    act = f" ({sweep.activation})" if sweep.activation else ""
    caption = sweep_caption("log10 ‖∂s_T/∂s_0‖₂", sweep.values, sweep.T,
                            f"; {sweep.cell}{act}, n = {sweep.hidden}, seed {sweep.seed}, "
                            f"{sweep.parameter}" + _beyond(sweep))
    return (*sweep_rows(name, sweep.values, sweep.T, sweep.log10_norm, sweep.regime,
                        sweep.reliable), caption)


def lyapunov_parts(result):
    """(header, rows, caption) of a numeric.LyapunovSpectrum (one case: batch shape ())."""
    exponents = np.asarray(result.exponents).reshape(-1, np.shape(result.exponents)[-1])[0]
    picks = _picks(len(exponents))
    rows = [[str(i + 1), fmt(exponents[i], 6), fmt(np.exp(exponents[i]), 6)] for i in picks]
    shown = "" if len(picks) == len(exponents) else f"; {len(picks)} of {len(exponents)} shown"
    spread = fmt(float(np.ravel(result.convergence)[0]))
    caption = (f"Lyapunov exponents (natural log per step, largest first), T = {result.T}, "
               f"burn-in {result.burn_in}; convergence {spread}; {result.backend} "
               f"({result.device}){shown}")
    return ["i", "λ_i", "e^λ_i"], rows, caption


def lyapunov_sweep_parts(sweep):
    """(header, rows, caption) of a numeric.LyapunovSweep: one row per (shown) gain."""
    rows = [[fmt(sweep.gains[i]), fmt(sweep.lambda_max[i], 6), fmt(sweep.convergence[i]),
             fmt(sweep.spectral_radius[i]), fmt(sweep.sigma_max[i])]
            for i in _picks(len(sweep.gains))]
    act = f" ({sweep.activation})" if sweep.activation else ""
    caption = (f"λ_max (natural log per step) of {sweep.cell}{act}, n = {sweep.hidden}, "
               f"seed {sweep.seed}, T = {sweep.T}, burn-in {sweep.burn_in}; "
               f"{sweep.backend} ({sweep.device})")
    return ["g", "λ_max", "convergence", "ρ", "σ_max"], rows, caption


class Displayed:
    """Mixin: ``_repr_html_`` and ``_repr_markdown_`` from ``_display_parts()`` (a header,
    rows and a caption)."""

    def _repr_html_(self):
        return html_table(*self._display_parts())

    def _repr_markdown_(self):
        return markdown_table(*self._display_parts())
