"""Text forms of ``rnngrad lyapunov``: the readable summary, JSON and CSV, for one setting (a
``numeric.LyapunovSweep`` with one gain) and for a grid (a ``numeric.LyapunovGrid``: λ_max over
gains × hidden sizes × seeds).

Units: natural log per step.  λ_max > 0: a perturbation of the trajectory, and the gradient
‖∂s_T/∂s_0‖, grow like e^{λ_max T}; λ_max < 0: they shrink like it.
"""

import json
import math
import textwrap

import numpy as np

from reports.lyapunov_cli import CSV_HEADER
from reports.sweep_text import WIDTH, number

UNITS = "natural log per step: a direction grows (or shrinks) like e^(lambda T) over T steps"
NULL_NOTE = ("null marks a value that is not a finite number: -inf where a direction is "
             "contracted to exactly 0 (a zero derivative at some step, e.g. a relu unit that "
             "is off), nan where it is undefined")
SHOWN = 12   # exponents listed in the text; the rest: --json or --csv


def finite_or_none(values):
    """Nested lists of floats with non-finite entries as None, and whether any was."""
    array = np.asarray(values, dtype=float)
    bad = bool(np.any(~np.isfinite(array)))
    listed = np.where(np.isfinite(array), array, 0.0).tolist()
    if not bad:
        return listed, False
    return _mask(listed, np.isfinite(array).tolist()), True


def _mask(values, keep):
    if isinstance(values, list):
        return [_mask(v, k) for v, k in zip(values, keep, strict=True)]
    return values if keep else None


def dumps(data):
    """Deterministic JSON (sorted keys, no NaN) with a trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, allow_nan=False) + "\n"


def _arrays(data, fields):
    """``fields`` (name → array) into ``data`` as finite-or-null lists; the null note if any."""
    bad = []
    for name, values in fields.items():
        data[name], nonfinite = finite_or_none(values)
        if nonfinite:
            bad.append(name)
    if bad:
        data["_note"] = f"{NULL_NOTE} (in: {', '.join(bad)})"
    return data


def setting_json(result, drive):
    """The JSON of one setting: ``result`` a LyapunovSweep with one gain; ``drive``: the
    command's --input and --noise."""
    data = {"cell": result.cell, "activation": result.activation, "hidden": result.hidden,
            "inputs": result.inputs, "gain": float(result.gains[0]), "seed": result.seed,
            "T": result.T, "k": result.k, "burn_in": result.burn_in,
            "reorth_every": result.reorth_every, "init": result.init,
            "input_drive": result.drive, "input": drive["constant"], "noise": drive["noise"],
            "norms": result.norms, "backend": result.backend, "device": result.device,
            "units": UNITS}
    return _arrays(data, {"exponents": result.exponents[0],
                          "lambda_max": result.lambda_max[0],
                          "convergence": result.convergence[0],
                          "spectral_radius": result.spectral_radius[0],
                          "sigma_max": result.sigma_max[0]})


def grid_json(grid, texts, drive):
    """The JSON of a grid: arrays indexed [hidden, seed, gain(, exponent)]."""
    data = {"cell": grid.cell, "activation": grid.activation, "T": int(grid.T),
            "k": int(grid.k), "burn_in": int(grid.burn_in),
            "reorth_every": int(grid.reorth_every), "gains": [float(g) for g in grid.gains],
            "hidden": [int(n) for n in grid.hidden], "seeds": [int(s) for s in grid.seeds],
            "axes": "arrays are indexed [hidden, seed, gain] (exponents: [..., index])",
            "init": texts["init"], "input_drive": texts["drive"], "norms": texts["norms"],
            "input": drive["constant"], "noise": drive["noise"], "backend": grid.backend,
            "device": grid.device, "scheduler": grid.scheduler, "units": UNITS}
    return _arrays(data, {name: getattr(grid, name) for name in (
        "exponents", "lambda_max", "convergence", "spectral_radius", "sigma_max")})


def _csv_value(value):
    return number(value) if math.isfinite(value) else str(value)


def setting_csv(result):
    """One row per exponent: cell,gain,hidden,seed,index,exponent."""
    head = f"{result.cell},{number(result.gains[0])},{result.hidden},{result.seed}"
    rows = [CSV_HEADER] + [f"{head},{i},{_csv_value(v)}"
                           for i, v in enumerate(result.exponents[0].tolist(), start=1)]
    return "\n".join(rows) + "\n"


def grid_csv(grid):
    """One row per (gain, hidden, seed, exponent)."""
    rows = [CSV_HEADER]
    for h, n in enumerate(grid.hidden):
        for r, seed in enumerate(grid.seeds):
            for g, gain in enumerate(grid.gains):
                rows += [f"{grid.cell},{number(gain)},{int(n)},{int(seed)},{i},{_csv_value(v)}"
                         for i, v in enumerate(grid.exponents[h, r, g].tolist(), start=1)]
    return "\n".join(rows) + "\n"


def value(x, digits=4):
    """A number for reading: fixed decimals, or -inf/inf/nan spelled out."""
    x = float(x)
    if not math.isfinite(x):
        return "n/a" if math.isnan(x) else ("-inf" if x < 0 else "inf")
    if x == 0 or 10 ** -digits <= abs(x) < 1e5:
        return f"{x:.{digits}f}"
    return f"{x:.3e}" if abs(x) >= 1e5 else f"{x:.3g}"


def meaning(lam, T):
    """What λ_max says, in one line."""
    if not math.isfinite(lam):
        return "-inf: every perturbation is contracted to exactly 0 (a zero derivative)"
    growth = f"e^(lambda_max T) = e^({lam * T:.3g}) over T = {T} steps"
    if lam > 0:
        return ("> 0: chaotic: perturbations and gradients grow like " + growth)
    if lam < 0:
        return ("< 0: stable: perturbations and gradients shrink like " + growth)
    return "= 0: perturbations neither grow nor shrink on average"


def _paragraph(text, indent="  "):
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def setting_lines(cell, activation, hidden, T, burn_in, reorth_every, init, drive):
    """The setting in words (shared by the one-setting summary and the grid table)."""
    act = f", activation {activation}" if activation else ""
    steps = f"steps {burn_in + 1}..{T}" if burn_in else f"all {T} steps"
    every = "every step" if reorth_every == 1 else f"every {reorth_every} steps"
    return (_paragraph(f"cell: {cell} (n = {hidden}{act})", "")
            + _paragraph(f"initialisation: {init}")
            + _paragraph(f"input drive: {drive}")
            + _paragraph(f"T = {T} steps, burn-in {burn_in} (exponents averaged over {steps}), "
                         f"QR re-orthonormalisation {every}"))


def render_setting(result):
    """The readable summary of one setting."""
    lam, conv = float(result.lambda_max[0]), float(result.convergence[0])
    lines = [f"Lyapunov exponents of {result.cell} at gain g = {number(result.gains[0])}",
             *setting_lines(result.cell, result.activation, result.hidden, result.T,
                            result.burn_in, result.reorth_every, result.init, result.drive),
             "", *_paragraph(f"recurrent matrix ({result.norms}):", ""),
             f"  spectral radius rho               {value(result.spectral_radius[0])}",
             f"  largest singular value sigma_max  {value(result.sigma_max[0])}", "",
             *_paragraph(f"lambda_max = {value(lam)} per step (natural log), convergence "
                         f"{value(conv)} (the spread of its running estimate over the last "
                         f"half of the steps; {settled(conv)})", ""),
             *_paragraph(meaning(lam, result.T)), "",
             f"{_which(result)} (natural log per step, largest first):",
             f"  {'i':>4}  {'lambda_i':>12}  {'e^lambda_i':>12}  meaning"]
    exponents = result.exponents[0]
    shown = range(len(exponents)) if len(exponents) <= SHOWN else list(range(SHOWN - 2)) + [
        len(exponents) - 2, len(exponents) - 1]
    for j, i in enumerate(shown):
        if j and i != shown[j - 1] + 1:
            lines.append(f"  {'...':>4}  ({len(exponents) - SHOWN} more: --json or --csv)")
        lam_i = float(exponents[i])
        factor = ("0" if not math.isfinite(lam_i) else value(math.exp(lam_i))
                  if lam_i < 709 else "> 1e308")
        lines.append(f"  {i + 1:>4}  {value(lam_i, 6):>12}  {factor:>12}  {_direction(lam_i)}")
    lines += ["", f"ran on: {result.backend} ({result.device})"]
    return "\n".join(lines) + "\n"


CONVERGED = 0.01


def settled(spread):
    """Whether the running estimate settled: a spread below CONVERGED."""
    if not math.isfinite(spread) or spread >= CONVERGED:
        return (f"not below {CONVERGED:g}: the estimate has not settled, run more steps (--T) "
                "or a longer --burn-in")
    return f"below {CONVERGED:g}: T sufficed"


def _which(result):
    state = result.hidden * (2 if result.cell == "lstm" else 1)
    if result.k == state:
        return f"all {result.k} exponents"
    return f"the {result.k} largest of {state} exponents"


def _direction(lam):
    if not math.isfinite(lam):
        return "contracted to 0 (a zero derivative)"
    if lam > 0:
        return "grows per step"
    return "shrinks per step" if lam < 0 else "neutral"


def render_grid(grid, texts):
    """λ_max in a table: one row per gain, one column per (n, seed); the setting above it."""
    sizes = ", ".join(str(int(n)) for n in grid.hidden)
    columns = [(h, r) for h in range(len(grid.hidden)) for r in range(len(grid.seeds))]
    labels = [f"n={int(grid.hidden[h])} s={int(grid.seeds[r])}" for h, r in columns]
    width = max(10, *map(len, labels)) + 2
    left = max(6, *(len(number(g)) for g in grid.gains))
    lines = [f"lambda_max of {grid.cell} over {len(grid.gains)} gains x hidden sizes "
             f"({sizes}) x seeds ({', '.join(str(int(s)) for s in grid.seeds)})",
             *setting_lines(grid.cell, grid.activation, sizes, grid.T, grid.burn_in,
                            grid.reorth_every, texts["init"], texts["drive"]),
             "", *_paragraph("lambda_max (natural log per step; > 0 chaotic: perturbations and "
                             "gradients grow like e^(lambda_max T); < 0 they shrink):", ""),
             f"{'g':>{left}}" + "".join(f"{label:>{width}}" for label in labels)]
    for g, gain in enumerate(grid.gains):
        lines.append(f"{number(gain):>{left}}" + "".join(
            f"{value(grid.lambda_max[h, r, g]):>{width}}" for h, r in columns))
    worst = float(np.nanmax(grid.convergence)) if np.isfinite(grid.convergence).any() else None
    if worst is not None:
        lines.append(f"largest convergence spread: {value(worst)} (every value: --json)")
    where = f" via scheduler {grid.scheduler}" if grid.scheduler else ""
    lines += [f"ran on: {grid.backend} ({grid.device}){where}"]
    return "\n".join(lines) + "\n"
