"""Text forms of a scalar sweep: the summary table (fits 100 columns), the long CSV, the notes.

The table is transposed: one row per w, a few T columns (the first, the last and up to two
between, spaced geometrically), each with log10|∂h_T/∂h_0|, the bound's log10 T·log10(γ|w|)
and the regime letter; a value beyond the predictability horizon carries a trailing ``~``
(legend below the table), and the last column is the rate (1/T) log10|∂h_T/∂h_0| at the last T
shown.  The CSV has one row per (w, T) with full precision (shortest repr), the rate and
whether the value is reliable.
"""

import math
import textwrap

import numpy as np

WIDTH = 100
CELL = 22          # "     grad     bound r " per T column
LETTER = {"vanishing": "v", "stable": "s", "exploding": "e", "unknown": "?"}
RATE = 10          # " rate/step" column at the end of a table row
MARK = "~"         # after a value beyond the predictability horizon
CSV_HEADER = "activation,w,T,log10_abs_grad,log10_bound,regime,rate,reliable"


def number(value):
    """A float as written: the shortest repr, without a trailing .0.

    >>> number(3.0), number(-1.8), number(1e-20), number(-0.0)
    ('3', '-1.8', '1e-20', '0')
    """
    text = repr(float(value) + 0.0)
    return text[:-2] if text.endswith(".0") else text


def inputs_text(constant, noise=0.0, seed=0):
    """x_t as the command gave it: ``0.1`` or ``0.1 + 0.05*N(0,1) (seed 0)``."""
    text = number(constant)
    return f"{text} + {number(noise)}*N(0,1) (seed {seed})" if noise else text


def setting(result, x_text=None):
    """The model and the trajectory swept, in one line: activation, h_0 and x_t (``x_text``,
    else the result's constant input, else "varies in time")."""
    x = x_text or (number(result.x_t) if result.x_t is not None else "varies in time")
    return (f"{result.activation}: h_t = phi(w h_(t-1) + x_t), h_0 = {number(result.h0)}, "
            f"x_t = {x}")


def fixed_point_note(result):
    """The note for rows whose trajectory sits at a fixed point (``""`` when none does)."""
    rows = np.flatnonzero(result.fixed_point)
    if rows.size == 0:
        return ""
    if rows.size == len(result.w):
        which = f"every w here ({rows.size})"
    elif rows.size <= 6:
        which = "w = " + ", ".join(number(result.w[i]) for i in rows)
    else:
        which = f"{rows.size} of the {len(result.w)} w"
    a = "a* = w h_0 + x_t" if result.x_t is not None else "a_t = w h_0 + x_t"
    grad = "(w phi'(a*))^T" if result.x_t is not None else "prod_t w phi'(a_t)"
    return (f"fixed point: for {which} the trajectory never leaves h_0 = {number(result.h0)} "
            "(phi(w h_0 + x_t) = h_0 at every step), so dh_T/dh_0 = "
            f"{grad} exactly, {a}: the linearisation at the fixed point (the linear "
            "regime).  It grows without bound in T where |w phi'| > 1, decays where "
            "|w phi'| < 1, and is exactly 0 where phi' = 0.  "
            + _off_the_fixed_point(result.activation))


def _off_the_fixed_point(name):
    """What changes away from the fixed point: nothing for a linear phi."""
    import derive

    try:
        act = derive.activation(name)
    except ValueError:
        act = None
    if act is not None and not act.dphi.has(act.variable):
        return f"{name} is linear, so the same holds from any start."
    return ("Off the fixed point phi' changes along the trajectory (and the bound gamma |w| is "
            "no longer reached); start elsewhere to see it: --input X, --h0 H or --noise S.")


def chosen_columns(T, count):
    """Indices of at most ``count`` T values: the first, the last and geometric steps between."""
    if len(T) <= count:
        return list(range(len(T)))
    logs = np.log(T.astype(float))
    targets = np.linspace(logs[0], logs[-1], count)
    picks = sorted({int(np.argmin(np.abs(logs - target))) for target in targets})
    return sorted(set(picks) | {0, len(T) - 1})


def render_table(result, x_text=None):
    """The summary: one row per w, a few T columns with grad, bound and regime, the rate at the
    last T shown; notes below (the ``~`` legend when a value is beyond the horizon)."""
    w_text = [number(w) for w in result.w]
    left = max(6, *map(len, w_text))
    columns = chosen_columns(result.T, max(1, min(4, (WIDTH - left - RATE) // CELL)))
    head = "".join(f"{f'T = {result.T[j]}':>{CELL - 1}} " for j in columns)
    sub = "".join(f"{'grad':>9} {'bound':>9} r " for _ in columns)
    lines = [setting(result, x_text),
             "grad = log10|dh_T/dh_0|, bound = T log10(gamma |w|) (grad <= bound); "
             f"{len(columns)} of {len(result.T)} T shown",
             f"{'':>{left}}{head}{'rate':>{RATE}}".rstrip(),
             f"{'w':>{left}} {sub}{'(1/T)grad':>{RATE - 1}}".rstrip()]
    for i, w in enumerate(w_text):
        cells = "".join(f"{_cell(result.log10_abs_grad[i, j])}{mark(result, i, j)}"
                        f"{_cell(result.log10_bound[i, j])} {LETTER[result.regime[i, j]]} "
                        for j in columns)
        lines.append(f"{w:>{left}} {cells}{rate_cell(result, i, columns[-1])}".rstrip())
    last = result.regime[:, -1]
    counts = ", ".join(f"{int(np.sum(last == name))} {name}" for name in LETTER
                       if np.any(last == name))
    lines += [f"at T = {result.T[-1]}: {counts}",
              "r: v vanishing (|dh_T/dh_0| <= 1e-1), s stable, e exploding (>= 1e1), "
              "? phi' underflowed",
              f"rate = (1/T) grad at T = {result.T[columns[-1]]}: the growth per step"]
    lines += horizon_legend(result, result.w, "w", columns, _fixed_crossing(result, columns))
    lines += ["every T: --csv or --json;  method: " + result.method]
    note = fixed_point_note(result)
    lines += textwrap.wrap(note, WIDTH) if note else []
    kink = kink_note(result, result.w, "w")
    lines += textwrap.wrap(kink, WIDTH) if kink else []
    return "\n".join(lines) + "\n"


def kink_note(result, values, label):
    """The note for rows whose trajectory sat exactly on a kink of phi (``""`` when none did):
    there phi'(a) is a convention, so the value and the verdict rest on it."""
    rows = np.flatnonzero(getattr(result, "on_kink", None) if
                          getattr(result, "on_kink", None) is not None else [])
    if rows.size == 0:
        return ""
    which = f"every {label} here ({rows.size})" if rows.size == len(values) else \
        f"{label} = " + ", ".join(number(values[i]) for i in rows[:6]) + \
        ("" if rows.size <= 6 else f" and {rows.size - 6} more")
    side = ("relu'(0) = 0 here, while the one-sided derivatives are 0 and 1, so with "
            "relu'(0) = 1 the product would be w^T instead of 0" if result.activation == "relu"
            else "the float64 phi' takes one side's value, while the one-sided derivatives "
            "differ")
    return (f"kink: for {which} some pre-activation a_t sits exactly on a kink of "
            f"{result.activation} (a point where phi' jumps), where phi'(a_t) is a convention: "
            f"{side}.  The value and the regime of those rows depend on that convention; start "
            "off the kink (--h0 H or --input X) to see the behaviour near it.")


def mark(result, i, j):
    """``~`` after a value beyond the predictability horizon, else a space."""
    reliable = getattr(result, "reliable", None)
    return " " if reliable is None or reliable[i, j] else MARK


def rate_cell(result, i, j):
    """The rate (1/T) log10 value of row i at column j, in RATE characters."""
    value = result.rate[i, j]
    if math.isnan(value):
        return f"{'n/a':>{RATE}}"
    return f"{value:>{RATE}.4f}" if abs(value) < 1e4 else f"{value:>{RATE}.3g}"


def _fixed_crossing(result, columns):
    """The legend's extra words when a marked row sits at a (then unstable) fixed point."""
    marked = ~result.reliable[:, columns].all(axis=1)
    if not np.any(marked & result.fixed_point):
        return ""
    return (" A marked row at a fixed point is exact for this h_0 (the trajectory never moves), "
            "but the fixed point is unstable: a perturbation of a few roundings leaves it.")


def horizon_legend(result, settings, name, columns, extra="", shown=6):
    """The ``~`` legend, wrapped to WIDTH: which settings have a horizon (at which step) and what
    a marked value means (then ``extra``); no lines when no shown value is marked."""
    if result.reliable is None or result.reliable[:, columns].all():
        return []
    crossed = [i for i in range(len(settings)) if not result.reliable[i, columns].all()]
    by_step = {}
    for i in crossed:
        by_step.setdefault(int(result.horizon[i]), []).append(number(settings[i]))
    parts = [f"step {step} for {name} = {', '.join(values)}"
             for step, values in sorted(by_step.items())]
    where = "; ".join(parts[:shown]) + (f"; and {len(parts) - shown} more" if len(parts) > shown
                                        else "")
    text = (f"{MARK} beyond the predictability horizon ({where}): one sample of a chaotic "
            "trajectory; only the rate is meaningful (a twin run a few roundings away differs "
            "by more than 1e-4 relative from that step on)." + extra)
    return textwrap.wrap(text, WIDTH)


def render_csv(result):
    """Long format, one row per (w, T):
    activation,w,T,log10_abs_grad,log10_bound,regime,rate,reliable."""
    rows = [CSV_HEADER]
    for i, w in enumerate(result.w):
        w_text = number(w)
        for j, T in enumerate(result.T):
            rows.append(f"{result.activation},{w_text},{int(T)},"
                        f"{_full(result.log10_abs_grad[i, j])},{_full(result.log10_bound[i, j])},"
                        f"{result.regime[i, j]},{_full(result.rate[i, j])},"
                        f"{reliable_text(result, i, j)}")
    return "\n".join(rows) + "\n"


def reliable_text(result, i, j):
    """The CSV's reliable column: true or false."""
    return "true" if result.reliable[i, j] else "false"


def _full(value):
    """Full precision for the CSV: shortest repr; inf, -inf; nan (not representable)."""
    return "nan" if math.isnan(value) else repr(float(value) + 0.0)


def _cell(value):
    """A log10 in 9 characters: 3 decimals below 10^4, whole numbers below 10^8, else 3
    significant digits; n/a where not representable."""
    if math.isnan(value):
        return f"{'n/a':>9}"
    if not math.isfinite(value) or abs(value) < 1e4:
        return f"{round(value, 3) + 0.0:>9.3f}"
    return f"{value:>9.0f}" if abs(value) < 1e8 else f"{value:>9.2e}"
