"""``rnngrad sweep``: parse the grids, run numeric.scalar_sweep, print a summary table, the
long CSV or JSON, plot.

--w: a comma list (0.5,1,1.5) or a:b:num (linspace, snapped to the short decimals it means:
-3:3:61 gives -1.8, not -1.7999999999999998);  --T: a comma list of ints or a:b[:step]
(inclusive).  Negative values: write --w=-2.7,0.5 (argparse reads a bare -2.7 as an option).
"""

import json
import math

import numpy as np

from numeric import SWEEP_BYTES_PER_CELL as BYTES_PER_CELL
from numeric import SWEEP_MAX_GRID as MAX_GRID
from numeric import SWEEP_MAX_T as MAX_T
from numeric import scalar_sweep
from reports import sweep_text

MAX_DIGITS = 15           # digits of an integer in --T or of a:b:num's num


def parse_w(text, option="--w"):
    """``0.5,1,1.5`` or ``a:b:num`` → a 1-D float array; ValueError naming the problem
    (and ``option``, the flag that gave the text)."""
    if text.count(":") == 2:
        a, b, num = text.split(":")
        count = _int(num, f"{option} a:b:num: num")
        if count < 1:
            raise ValueError(f"{option} a:b:num needs num >= 1, got {count}")
        check_count(count, option)   # before anything of that size is made
        start, stop = _float(a, option), _float(b, option)
        values = _snap(linspace(start, stop, count), max(abs(start), abs(stop)))
    elif ":" in text:
        raise ValueError(f"{option} takes a comma list or a:b:num, got {text!r}")
    else:
        check_count(text.count(",") + 1, option)
        values = np.array([_float(part, option) for part in text.split(",")])
    return values


def check_count(count, option):
    """ValueError naming ``option`` when a grid of ``count`` points exceeds ``MAX_GRID``,
    with the memory that the largest grid takes."""
    if count > MAX_GRID:
        raise ValueError(f"{option} has {_power(count)} points; the largest grid rnngrad "
                         f"sweeps is {_power(MAX_GRID)} points in all (values × T values, "
                         f"about {MAX_GRID * BYTES_PER_CELL / 2**30:.0f} GiB of memory)")


def _power(count):
    """``count`` as 10^k when it is a power of ten, else with thousands separators.

    >>> _power(10**9), _power(500_000)
    ('10^9', '500,000')
    """
    digits = str(count)
    if count >= 1000 and digits.strip("0") == "1":
        return f"10^{len(digits) - 1}"
    return f"{count:,}"


def linspace(start, stop, count):
    """``count`` points from ``start`` to ``stop``; where stop − start overflows float64
    (-1e308:1e308) as start·(1 − t) + stop·t, which stays finite.

    >>> linspace(-1e308, 1e308, 3).tolist()
    [-1e+308, 0.0, 1e+308]
    """
    if math.isfinite(stop - start):
        return np.linspace(start, stop, count)
    t = np.linspace(0.0, 1.0, count)
    return start * (1 - t) + stop * t


def _snap(values, scale):
    """Each linspace value replaced by its 12-significant-digit decimal when the two differ by
    rounding only (≤ 4 ulp of the range's scale): -1.7999999999999998 → -1.8, 4e-16 → 0;
    a value with no short decimal (1/6 of 0:1:7) is kept as computed."""
    tolerance = 4 * np.spacing(scale)
    snapped = []
    for value in values.tolist():
        short = 0.0 if abs(value) <= tolerance else float(f"{value:.12g}")
        snapped.append(short if abs(short - value) <= tolerance else value)
    return np.array(snapped)


def parse_T(text):
    """``1,10,100`` or ``a:b[:step]`` (inclusive) → a 1-D int array of lengths >= 1."""
    if ":" in text:
        parts = text.split(":")
        if len(parts) not in (2, 3):
            raise ValueError(f"--T takes a comma list or a:b[:step], got {text!r}")
        a, b = _int(parts[0], "--T"), _int(parts[1], "--T")
        step = _int(parts[2], "--T step") if len(parts) == 3 else 1
        if step < 1 or b < a:
            raise ValueError(f"--T a:b:step needs a <= b and step >= 1, got {text!r}")
        check_count((b - a) // step + 1, "--T")
        values = np.arange(a, b + 1, step)
    else:
        check_count(text.count(",") + 1, "--T")
        values = np.array([_int(part, "--T") for part in text.split(",")])
    if values.min() < 1:
        raise ValueError(f"--T values must be >= 1, got {int(values.min())}")
    if values.max() > MAX_T:
        raise ValueError(f"--T values must be <= {MAX_T}, got {int(values.max())}")
    return values.astype(np.int64)


def _float(text, option):
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{option}: {text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{option}: values must be finite, got {text.strip()!r}")
    return value


def _int(text, option):
    if len(text.strip().lstrip("+-")) > MAX_DIGITS:
        raise ValueError(f"{option}: {text.strip()[:20]}... has more than {MAX_DIGITS} digits")
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{option}: {text.strip()!r} is not an integer") from None


def run(activation, w_text, T_text, h0, inputs, noise, seed, output="table", plot=None,
        progress=None):
    """Everything the sweep subcommand does.  ``output``: "table", "csv" or "json".  Returns
    (stdout text, notes for stderr): the CSV keeps its notes (the fixed-point note) off stdout."""
    w, T = parse_w(w_text), parse_T(T_text)
    if plot and not plot.lower().endswith((".png", ".pdf")):   # before the sweep, not after
        raise ValueError(f"--plot must end in .png or .pdf, got {plot!r}")
    if w.size * T.size > MAX_GRID:
        raise ValueError(f"--w and --T: {w.size:,} w × {T.size:,} T values make "
                         f"{w.size * T.size:,} points; the largest grid rnngrad sweeps is "
                         f"{_power(MAX_GRID)} points (about "
                         f"{MAX_GRID * BYTES_PER_CELL / 2**30:.0f} GiB of memory)")
    x = inputs
    if noise:
        x = inputs + noise * np.random.default_rng(seed).standard_normal(int(T.max()))
    result = scalar_sweep(activation, w, T, h0=h0, inputs=x, progress=progress)
    x_text = sweep_text.inputs_text(inputs, noise, seed)
    if plot:
        _plot(result, plot, x_text)
    if output == "table":   # the table states the fixed-point note itself
        return sweep_text.render_table(result, x_text), []
    notes = [note] if (note := sweep_text.fixed_point_note(result)) else []
    if output == "json":
        data = {**result.to_dict(), "method": result.method, "input": inputs, "noise": noise,
                "seed": seed, "setting": sweep_text.setting(result, x_text), "notes": notes}
        return json.dumps(data, indent=2, sort_keys=True) + "\n", []
    return sweep_text.render_csv(result), notes


def _plot(result, path, x_text):
    import matplotlib.pyplot as plt

    from reports import figures  # sets the Agg backend

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    T_order, w_order = np.argsort(result.T), np.argsort(result.w)
    T, w = result.T[T_order], result.w[w_order]
    log_T = T.size > 2 and T[-1] >= 20 * T[0] and np.ptp(np.diff(T)) > 0   # not evenly spaced
    if w.size > MAX_LINES and T.size > 1:
        values = result.log10_abs_grad[np.ix_(w_order, T_order)]
        image = ax.pcolormesh(np.maximum(cell_edges(T, log_T), 0), cell_edges(w, False),
                              np.clip(values, -20, 20), cmap="RdBu_r", vmin=-20, vmax=20,
                              shading="flat")
        fig.colorbar(image, ax=ax, label="log10 |dh_T/dh_0| (clipped to ±20)")
        beyond = ~result.reliable[np.ix_(w_order, T_order)]
        if beyond.any():   # grey hatching over the cells beyond the horizon
            ax.pcolor(np.maximum(cell_edges(T, log_T), 0), cell_edges(w, False),
                      np.ma.masked_where(~beyond, np.ones(beyond.shape)), hatch="///",
                      cmap="Greys", vmin=0, vmax=4, alpha=0.5, shading="flat")
        ax.set_ylabel("recurrent weight w")
    else:
        for i, (value, row) in enumerate(zip(result.w, result.log10_abs_grad, strict=True)):
            line, = ax.plot(T, row[T_order], "o-", label=f"w = {sweep_text.number(value)}")
            beyond = ~result.reliable[i, T_order]
            if beyond.any():   # open markers: beyond the horizon
                ax.plot(T[beyond], row[T_order][beyond], "o", mfc="white",
                        mec=line.get_color())
        if not result.reliable.all():
            ax.plot([], [], "o", mfc="white", mec="k", label=HORIZON_LABEL)
        ax.legend(fontsize=8)
        ax.set_ylabel("log10 |dh_T/dh_0|")
    if log_T:
        ax.set_xscale("log")
    ax.set_xlabel("sequence length T (steps)")
    ax.set_title(plot_title(result, x_text), fontsize=9)
    figures.save_as(fig, path)
    plt.close(fig)


HORIZON_LABEL = "open: beyond the horizon (rate only)"
MAP_NOTE = "hatched: beyond the predictability horizon (one sample; only the rate is meaningful)"
MAX_LINES = 8   # up to this many w the plot draws one line per w, beyond it a (w, T) map


def cell_edges(values, log):
    """Edges of the map's cells around sorted grid ``values``: midpoints between neighbours
    (geometric ones when ``log``), the outer cells as wide as their neighbours.

    >>> cell_edges(np.array([10, 100, 1000]), True).round(6).tolist()
    [3.162278, 31.622777, 316.227766, 3162.27766]
    >>> cell_edges(np.array([-1.0, 0.0, 2.0]), False).tolist()
    [-1.5, -0.5, 1.0, 3.0]
    """
    x = np.log(values.astype(float)) if log else values.astype(float)
    if x.size == 1:
        inner, outer = np.array([]), np.array([x[0] - 0.5, x[0] + 0.5])
    else:
        inner = (x[1:] + x[:-1]) / 2
        outer = np.array([x[0] - (inner[0] - x[0]), x[-1] + (x[-1] - inner[-1])])
    edges = np.concatenate([[outer[0]], inner, [outer[1]]])
    return np.exp(edges) if log else edges


def plot_title(result, x_text):
    """The plot's title: the setting (h_0, x_t) and, when rows sit at a fixed point, that
    those rows show the linear regime."""
    title = sweep_text.setting(result, x_text)
    if not result.reliable.all() and len(result.w) > MAX_LINES and len(result.T) > 1:
        title += "\n" + MAP_NOTE
    fixed = int(result.fixed_point.sum())
    if fixed:
        which = "every w" if fixed == len(result.w) else f"{fixed} of {len(result.w)} w"
        title += f"\nfixed point h_t = h_0 for {which}: the linear regime (see the text output)"
    return title
