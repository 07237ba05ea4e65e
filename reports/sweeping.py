"""``rnngrad sweep``: parse the grids, run numeric.scalar_sweep, print JSON or a table, plot.

--w: a comma list (0.5,1,1.5) or a:b:num (linspace);  --T: a comma list of ints or a:b[:step]
(inclusive).  Negative values: write --w=-2.7,0.5 (argparse reads a bare -2.7 as an option).
"""

import json
import math
import sys
import time

import numpy as np

from numeric.sweep import scalar_sweep

MAX_GRID = 10**7          # w values × T values (the output is a table of that size)
MAX_T = 10**7


def parse_w(text):
    """``0.5,1,1.5`` or ``a:b:num`` → a 1-D float array; ValueError naming the problem."""
    if text.count(":") == 2:
        a, b, num = text.split(":")
        count = _int(num, "--w a:b:num: num")
        if count < 1:
            raise ValueError(f"--w a:b:num needs num >= 1, got {count}")
        values = np.linspace(_float(a, "--w"), _float(b, "--w"), count)
    elif ":" in text:
        raise ValueError(f"--w takes a comma list or a:b:num, got {text!r}")
    else:
        values = np.array([_float(part, "--w") for part in text.split(",")])
    return values


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
        if (b - a) // step + 1 > MAX_GRID:
            raise ValueError(f"--T {text} has more than {MAX_GRID} values")
        values = np.arange(a, b + 1, step)
    else:
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
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{option}: {text.strip()!r} is not an integer") from None


def run(activation, w_text, T_text, h0, inputs, noise, seed, as_json, plot):
    """Everything the sweep subcommand does; returns the text to print."""
    w, T = parse_w(w_text), parse_T(T_text)
    if w.size * T.size > MAX_GRID:
        raise ValueError(f"grid of {w.size} w × {T.size} T values exceeds {MAX_GRID}")
    x = inputs
    if noise:
        x = inputs + noise * np.random.default_rng(seed).standard_normal(int(T.max()))
    result = scalar_sweep(activation, w, T, h0=h0, inputs=x, progress=_progress())
    if plot:
        _plot(result, plot)
    data = {"w": result.w.tolist(), **result.to_dict(), "method": result.method,
            "h0": h0, "input": inputs, "noise": noise, "seed": seed}
    if as_json:
        return json.dumps(data, indent=2, sort_keys=True) + "\n"
    return _table(result)


def _progress():
    start = time.monotonic()

    def report(t, T_max):
        if time.monotonic() - start > 2.0:
            print(f"rnngrad sweep: step {t:,} of {T_max:,}", file=sys.stderr, flush=True)
    return report


def _table(result):
    head = f"{'w':>10}" + "".join(f"{f'T={t}':>16}" for t in result.T)
    rows = [f"log10|dh_T/dh_0| for {result.activation} ({result.method})", head]
    for w, values, regimes in zip(result.w, result.log10_abs_grad, result.regime, strict=True):
        cells = "".join(f"{f'{v:.6g} {r[0]}':>16}" for v, r in zip(values, regimes, strict=True))
        rows.append(f"{w:>10.6g}{cells}")
    rows.append("regime: v vanishing (<= 1e-1 over T), s stable, e exploding (>= 1e1)")
    return "\n".join(rows) + "\n"


def _plot(result, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from reports.files import write_atomic

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    if result.w.size > 1 and result.T.size > 1:
        image = ax.pcolormesh(result.T, result.w, np.clip(result.log10_abs_grad, -20, 20),
                              cmap="RdBu_r", vmin=-20, vmax=20, shading="nearest")
        fig.colorbar(image, ax=ax, label="log10 |dh_T/dh_0| (clipped to ±20)")
        ax.set_ylabel("recurrent weight w")
    else:
        for w, row in zip(result.w, result.log10_abs_grad, strict=True):
            ax.plot(result.T, row, "o-", label=f"w = {w:g}")
        ax.legend(fontsize=8)
        ax.set_ylabel("log10 |dh_T/dh_0|")
    ax.set_xlabel("sequence length T (steps)")
    ax.set_title(f"{result.activation}: h_t = phi(w h_(t-1) + x_t)")
    suffix = path.rsplit(".", 1)[-1].lower()
    if suffix not in ("png", "pdf"):
        plt.close(fig)
        raise ValueError(f"--plot must end in .png or .pdf, got {path!r}")
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format=suffix, metadata={"png": {"Software": None},
                                                 "pdf": {"CreationDate": None}}[suffix])
    plt.close(fig)
    write_atomic(path, buffer.getvalue())
