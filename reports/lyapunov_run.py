"""``rnngrad lyapunov``'s runs: validate the options, one setting or a grid, text/JSON/CSV and
plots.

One setting (one gain, one n, one seed): ``numeric.lyapunov_gain_sweep`` with the k largest
exponents (all by default).  A list in --gain (0.5,1,2 or a:b:num), --hidden or --seed (64,256)
makes a grid: ``numeric.lyapunov_grid``, sharded with dask when --scheduler names a cluster.
"""


import numpy as np

import derive
import numeric
from numeric import lyapunov_gain_sweep
from reports import lyapunov_text
from reports.cell_sweeping import DEFAULT_NOISE, _check_size
from reports.cli_support import UsageError
from reports.sweeping import _int, parse_w


def _ints(text, option):
    values = [_int(part, option) for part in text.split(",")]
    if len(set(values)) != len(values):
        raise UsageError(f"{option}: repeated value in {text!r}")
    return values


def _validate(args):
    """(kind, gains, hidden sizes, seeds) or UsageError/ValueError in one line."""
    kind = derive.cell_kind(args.cell)
    if args.activation is not None:
        if not kind.takes_activation:
            free = [c for c in derive.cell_names() if derive.cell_kind(c).takes_activation]
            raise UsageError(f"--activation applies to {' and '.join(free)} only; {kind.name} "
                             "has fixed gates (sigmoid, tanh)")
        derive.activation(args.activation)
    gains, hidden = parse_w(args.gain, "--gain"), _ints(args.hidden, "--hidden")
    seeds = _ints(args.seed, "--seed")
    if min(hidden) < 1:
        raise UsageError(f"--hidden must be >= 1, got {min(hidden)}")
    if min(seeds) < 0:
        raise UsageError(f"--seed must be >= 0, got {min(seeds)}")
    if args.T < 1:
        raise UsageError(f"--T must be >= 1, got {args.T}")
    state = min(hidden) * len(kind.state)
    if args.k is not None and not 1 <= args.k <= state:
        raise UsageError(f"--k must be between 1 and the state size {state} (n = "
                         f"{min(hidden)}{', s = [h; c]' if len(kind.state) > 1 else ''}), "
                         f"got {args.k}")
    if not 0 <= args.burn_in < args.T:
        raise UsageError(f"--burn-in must be >= 0 and below --T {args.T}, got {args.burn_in}")
    if args.reorth_every < 1:
        raise UsageError(f"--reorth-every must be >= 1, got {args.reorth_every}")
    for name in ("input", "noise"):
        value = getattr(args, name)
        if value is not None and not np.isfinite(value):
            raise UsageError(f"--{name} must be finite, got {value}")
    if args.plot and not args.plot.lower().endswith((".png", ".pdf")):
        raise UsageError(f"--plot must end in .png or .pdf, got {args.plot!r}")
    for n in hidden:
        _check_size(kind, len(gains), np.array([args.T]), n)
    return kind, gains, hidden, seeds


def run(args):
    """The command's stdout text; the plot written when asked."""
    kind, gains, hidden, seeds = _validate(args)
    drive = {"noise": DEFAULT_NOISE if args.noise is None else args.noise,
             "constant": 0.0 if args.input is None else args.input}
    options = {"activation": args.activation, "k": args.k, "burn_in": args.burn_in,
               "reorth_every": args.reorth_every, "backend": args.backend, **drive}
    if len(gains) == len(hidden) == len(seeds) == 1:
        if args.scheduler is not None:
            raise UsageError("--scheduler shards a grid: give a list in --gain, --hidden or "
                             "--seed")
        result = lyapunov_gain_sweep(kind.name, gains, args.T, hidden=hidden[0],
                                     seed=seeds[0], **options)
        if args.plot:
            plot_setting(result, args.plot)
        if args.json:
            return lyapunov_text.dumps(lyapunov_text.setting_json(result, drive))
        return (lyapunov_text.setting_csv(result) if args.csv
                else lyapunov_text.render_setting(result))
    options["k"] = 1 if args.k is None else args.k     # a grid: lambda_max unless asked
    grid = numeric.lyapunov_grid(kind.name, gains, args.T, hidden=hidden, seeds=seeds,
                                 scheduler=args.scheduler, **options)
    texts = grid_texts(grid, gains, options)
    if args.plot:
        plot_grid(grid, args.plot)
    if args.json:
        return lyapunov_text.dumps(lyapunov_text.grid_json(grid, texts, drive))
    return lyapunov_text.grid_csv(grid) if args.csv else lyapunov_text.render_grid(grid, texts)


def grid_texts(grid, gains, options):
    """The initialisation, drive and norm texts of a grid."""
    return {"init": grid.init, "drive": grid.drive,
            "norms": numeric.recurrent_norms_text(grid.cell)}


def plot_setting(result, path):
    """The exponents against their index, a zero line."""
    import matplotlib.pyplot as plt

    from reports import figures  # sets the Agg backend

    exponents = result.exponents[0]
    index = np.arange(1, len(exponents) + 1)
    finite = np.isfinite(exponents)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.axhline(0.0, color="0.5", linewidth=0.8)
    ax.plot(index[finite], exponents[finite], "o-", markersize=3,
            label=f"lambda_max = {lyapunov_text.value(result.lambda_max[0])}")
    ax.set_xlabel("index i (largest first)", fontsize=10)
    ax.set_ylabel("lambda_i (natural log per step)", fontsize=10)
    act = f", {result.activation}" if result.activation else ""
    ax.set_title(f"Lyapunov exponents: {result.cell}{act}, n = {result.hidden}, "
                 f"g = {lyapunov_text.number(result.gains[0])}, T = {result.T}, "
                 f"seed {result.seed}", fontsize=10)
    if not finite.all():
        ax.text(0.98, 0.02, f"{int((~finite).sum())} exponents -inf (not drawn)",
                transform=ax.transAxes, ha="right", fontsize=8)
    ax.legend(fontsize=9)
    ax.tick_params(labelsize=9)
    figures.save_as(fig, path)
    plt.close(fig)


def plot_grid(grid, path):
    """λ_max against g, one line per (n, seed), a zero line."""
    import matplotlib.pyplot as plt

    from reports import figures  # sets the Agg backend

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.axhline(0.0, color="0.5", linewidth=0.8)
    order = np.argsort(grid.gains)
    for h, n in enumerate(grid.hidden):
        for r, seed in enumerate(grid.seeds):
            ax.plot(grid.gains[order], grid.lambda_max[h, r][order], "o-", markersize=3,
                    label=f"n = {int(n)}, seed {int(seed)}")
    ax.set_xlabel("gain g (recurrent weights g * W0)", fontsize=10)
    ax.set_ylabel("lambda_max (natural log per step)", fontsize=10)
    act = f", {grid.activation}" if grid.activation else ""
    ax.set_title(f"Largest Lyapunov exponent: {grid.cell}{act}, T = {int(grid.T)}, "
                 f"burn-in {int(grid.burn_in)}", fontsize=10)
    ax.legend(fontsize=8)
    ax.tick_params(labelsize=9)
    figures.save_as(fig, path)
    plt.close(fig)
