"""``rnngrad sweep --cell C``: a cell's log10‖∂s_T/∂s_0‖₂ over a forget bias (LSTM) or a gain
(every cell) and T; a summary table, the long CSV or JSON.

    rnngrad sweep --cell lstm --forget-bias=-2:4:13 --T 1:1000:10 [--hidden N] [--seed S]
    rnngrad sweep --cell C --gain=0.25:2.5:64 --T LIST [--hidden N] [--seed S] [--activation A]

Grids as the scalar sweep's (``reports.sweeping``): a comma list or a:b:num, --T a:b[:step].
The input drive is x_t = --input + --noise · N(0, 1) (default 0.1·N(0, 1)), s_0 = 0.
"""

import json
import textwrap

import numpy as np

import derive
from numeric import cell_gain_sweep, forget_bias_sweep
from reports.cli_support import UsageError
from reports.sweep_text import (
    LETTER,
    RATE,
    WIDTH,
    _cell,
    _full,
    chosen_columns,
    horizon_legend,
    mark,
    number,
    rate_cell,
    reliable_text,
)
from reports.sweeping import MAX_GRID, parse_T, parse_w

DEFAULT_HIDDEN = 32
DEFAULT_NOISE = 0.1
MAX_ENTRIES = 5 * 10**7   # stored forward pass: values × max(T) × (channels + parts) × n
MAX_PRODUCT = 2**26       # the products carried at once: values × S × S
CSV_HEADER = ("cell,activation,parameter,value,T,log10_norm,log10_norm_h,regime,rate,"
              "reliable")
SWEPT = {"forget_bias": "b_f", "gain": "g"}


def requested(args):
    """Whether the command line asks for a cell sweep (any of the cell sweep's options)."""
    return any(getattr(args, key) is not None for key in ("cell", "gain", "forget_bias",
                                                           "hidden"))


def run(args):
    """The cell sweep of ``args`` as text for stdout (table, CSV or JSON)."""
    kind, parameter, text = _validate(args)
    values, T = parse_w(text, "--" + parameter.replace("_", "-")), parse_T(args.T)
    hidden = DEFAULT_HIDDEN if args.hidden is None else args.hidden
    _check_size(kind, len(values), T, hidden)
    drive = {"noise": DEFAULT_NOISE if args.noise is None else args.noise,
             "constant": 0.0 if args.input is None else args.input}
    if parameter == "forget_bias":
        result = forget_bias_sweep(values, T, hidden=hidden, seed=args.seed,
                                   backend=args.backend, **drive)
    else:
        result = cell_gain_sweep(kind.name, values, T, hidden=hidden, seed=args.seed,
                                 activation=args.activation, backend=args.backend, **drive)
    if args.json:
        data = {**result.to_dict(), "setting": setting(result), "input": drive["constant"],
                "noise": drive["noise"]}
        return json.dumps(data, indent=2, sort_keys=True, allow_nan=False) + "\n"
    return render_csv(result) if args.csv else render_table(result)


def _validate(args):
    """(kind, "gain" | "forget_bias", grid text) or UsageError/ValueError in one line."""
    if args.cell is None:
        raise UsageError("--gain, --forget-bias and --hidden need --cell (one of: "
                         f"{', '.join(derive.cell_names())})")
    kind = derive.cell_kind(args.cell)
    for flag, value in (("--w", args.w), ("--h0", args.h0), ("--plot", args.plot)):
        if value is not None:
            raise UsageError(f"{flag} is not available with --cell (a cell sweep takes --gain "
                             "or --forget-bias, starts at s_0 = 0 and prints no plot)")
    if args.gain is not None and args.forget_bias is not None:
        raise UsageError("choose one of --gain and --forget-bias")
    if args.gain is None and args.forget_bias is None:
        raise UsageError(f"--cell {kind.name} needs --gain LIST or --forget-bias LIST")
    if args.forget_bias is not None and kind.name != "lstm":
        raise UsageError(f"--forget-bias applies to --cell lstm only, got --cell {kind.name}")
    if args.activation is not None and not kind.takes_activation:
        free = [c for c in derive.cell_names() if derive.cell_kind(c).takes_activation]
        raise UsageError(f"--activation applies to {' and '.join(free)} only; {kind.name} has "
                         "fixed gates (sigmoid, tanh)")
    if args.hidden is not None and args.hidden < 1:
        raise UsageError(f"--hidden must be >= 1, got {args.hidden}")
    for name in ("input", "noise"):
        value = getattr(args, name)
        if value is not None and not np.isfinite(value):
            raise UsageError(f"--{name} must be finite, got {value}")
    if args.gain is not None:
        return kind, "gain", args.gain
    return kind, "forget_bias", args.forget_bias


def _check_size(kind, count, T, hidden):
    S = len(kind.state) * hidden
    stored = count * int(T.max()) * (len(kind.channels) + len(kind.state)) * hidden
    if count * T.size > MAX_GRID or stored > MAX_ENTRIES or count * S * S > MAX_PRODUCT:
        raise UsageError(f"sweep too large: {count} values x max T {int(T.max())} x hidden "
                         f"{hidden} (at most {MAX_ENTRIES} stored state entries and "
                         f"{MAX_PRODUCT} product entries); use fewer values, a shorter T or "
                         "a smaller --hidden")


def setting(result):
    """What was run, in one paragraph: cell, sizes, swept parameter, initialisation, drive."""
    act = f", activation {result.activation}" if result.activation else ""
    return (f"{result.cell} (n = {result.hidden}, m = {result.inputs}{act}), sweeping "
            f"{result.parameter.replace('_', ' ')} {SWEPT[result.parameter]}; "
            f"initialisation: {result.init}; input drive: {result.drive}")


def render_table(result):
    """One row per parameter value, a few T columns: log10‖∂s_T/∂s_0‖₂ (and for a state
    [h; c] log10‖∂h_T/∂h_0‖₂), the regime letter, ``~`` after a value beyond the
    predictability horizon; the rate (1/T) log10‖∂s_T/∂s_0‖₂ at the last T shown."""
    both = result.cell == "lstm"
    width = 20 if both else 11
    labels = [number(v) for v in result.values]
    left = max(6, *map(len, labels))
    columns = chosen_columns(result.T, max(1, min(5, (WIDTH - left - RATE) // width)))
    head = "".join(f"{f'T = {result.T[j]}':>{width - 1}} " for j in columns)
    sub = "".join((f"{'s':>9} {'h':>9} r " if both else f"{'s':>9} r ") for _ in columns)
    lines = textwrap.wrap(setting(result), WIDTH)
    lines += ["s = log10||ds_T/ds_0||_2" + (", h = log10||dh_T/dh_0||_2 (s = [h; c])"
                                            if both else "") +
              f"; {len(columns)} of {len(result.T)} T shown",
              f"{'':>{left}}{head}{'rate':>{RATE}}".rstrip(),
              f"{SWEPT[result.parameter]:>{left}} {sub}{'(1/T)s':>{RATE - 1}}".rstrip()]
    for i, label in enumerate(labels):
        cells = "".join(_cell(result.log10_norm[i, j]) + mark(result, i, j) +
                        (_cell(result.log10_norm_h[i, j]) + " " if both else "") +
                        LETTER[result.regime[i, j]] + " " for j in columns)
        lines.append(f"{label:>{left}} {cells}{rate_cell(result, i, columns[-1])}".rstrip())
    last = result.regime[:, -1]
    counts = ", ".join(f"{int(np.sum(last == name))} {name}" for name in LETTER
                       if np.any(last == name))
    lines += [f"at T = {result.T[-1]}: {counts}",
              "r: regime of s: v vanishing (<= 1e-1), s stable, e exploding (>= 1e1)",
              f"rate = (1/T) s at T = {result.T[columns[-1]]}: the growth per step"]
    lines += horizon_legend(result, result.values, SWEPT[result.parameter], columns)
    lines += ["every T: --csv or --json"]
    return "\n".join(lines) + "\n"


def render_csv(result):
    """Long format, one row per (value, T), full precision; the rate and reliable last."""
    rows = [CSV_HEADER]
    act = result.activation or ""
    for i, value in enumerate(result.values):
        for j, T in enumerate(result.T):
            rows.append(f"{result.cell},{act},{result.parameter},{number(value)},{int(T)},"
                        f"{_full(result.log10_norm[i, j])},{_full(result.log10_norm_h[i, j])},"
                        f"{result.regime[i, j]},{_full(result.rate[i, j])},"
                        f"{reliable_text(result, i, j)}")
    return "\n".join(rows) + "\n"
