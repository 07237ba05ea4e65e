"""``rnngrad lyapunov``: the Lyapunov exponents of a cell at a gain g, weights and input drive
drawn as in ``rnngrad sweep --cell C --gain``; one setting, or λ_max over a grid of gains ×
hidden sizes × seeds.

    rnngrad lyapunov --cell C --hidden N --gain G [--activation A] [--seed S] --T T [--k K]
                     [--burn-in B] [--reorth-every R] [--input X] [--noise S]
                     [--backend numpy|jax|torch] [--json | --csv] [--plot FILE]
                     [--scheduler ADDR]

The options and help; the runs are in ``reports.lyapunov_run`` (imported when the command
runs, so that ``rnngrad`` starts without NumPy).
"""

import argparse
import sys

import derive
from reports.out_paths import output_file

BACKENDS = ("numpy", "jax", "torch")   # numeric.BACKENDS (not imported: rnngrad starts fast)
CSV_HEADER = "cell,gain,hidden,seed,index,exponent"

DESCRIPTION = """\
The Lyapunov exponents of a cell's state trajectory: lambda_i is the average growth rate, in
natural log per step, of a perturbation of the state along the i-th direction, so a
perturbation (and the gradient ||ds_T/ds_0||) grows like e^(lambda_max T); lambda_max > 0 is
chaos, < 0 contraction, and it crosses 0 at the edge of chaos.  They are computed by the QR
method (Benettin et al. 1980): the step Jacobians J_k = ds_k/ds_(k-1) are applied to k
orthonormal directions, re-orthonormalised by QR, and lambda_i = (1/(T - burn-in)) *
sum log|R_ii| over the steps after the burn-in.

The weights are drawn as in 'rnngrad sweep --cell C --gain': recurrent weights g * W0 with
W0 ~ N(0, 1/n) for elman, PyTorch's default uniform(-1/sqrt(n), 1/sqrt(n)) draw for lstm and
gru, g * u with u ~ uniform(0, 1) for indrnn; the other weights PyTorch's default, all from
--seed; the input x_t = --input + --noise * N(0, 1) (default 0.1 * N(0, 1)), s_0 = 0.  The
output also gives the recurrent matrix's spectral radius rho and largest singular value
sigma_max (for elman rho -> g and sigma_max -> 2g as n grows).

One gain, one --hidden and one --seed: the k largest exponents (all by default).  A list in
any of them (--gain 0.5,1,2 or 0.25:2.5:10, --hidden 64,256, --seed 0,1) makes a grid: a
table of lambda_max per gain and (n, seed), run on a dask cluster with --scheduler."""

EPILOG = """\
units: natural log per step (multiply by T for the log of the growth over T steps; divide by
ln 10 = 2.3026 for decades per step).

exit status: 0 success, 2 bad input (one line on stderr)"""


def add_lyapunov_parser(commands):
    """Register ``rnngrad lyapunov`` on the sub-parsers ``commands``."""
    p = commands.add_parser("lyapunov", help="Lyapunov exponents of a cell at a gain g: "
                            "lambda_max > 0 is chaos, < 0 contraction",
                            description=DESCRIPTION, epilog=EPILOG,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cell", required=True, metavar="C",
                   help=f"one of: {', '.join(derive.cell_names())}")
    p.add_argument("--hidden", required=True, metavar="N", help="hidden size n, or a list: "
                   "64,256")
    p.add_argument("--gain", required=True, metavar="G", help="gain g (recurrent weights "
                   "g * W0), or a list: 0.5,1,2 or a:b:num")
    p.add_argument("--activation", metavar="A", help=f"elman and indrnn only: one of "
                   f"{', '.join(derive.activation_names())} (default tanh)")
    p.add_argument("--seed", default="0", metavar="S", help="seed of the weights and the input "
                   "noise, or a list: 0,1 (default 0)")
    p.add_argument("--T", required=True, type=int, metavar="T", help="number of steps")
    p.add_argument("--k", type=int, metavar="K", help="how many of the largest exponents "
                   "(default: all, the state size: n, or 2n for lstm; for a grid 1, "
                   "lambda_max)")
    p.add_argument("--burn-in", type=int, default=0, metavar="B", help="steps left out of the "
                   "average while the directions settle (default 0)")
    p.add_argument("--reorth-every", type=int, default=1, metavar="R",
                   help="re-orthonormalise every R steps (default 1)")
    p.add_argument("--input", type=float, metavar="X", help="constant input (default 0)")
    p.add_argument("--noise", type=float, metavar="S", help="input noise scale (default 0.1)")
    p.add_argument("--backend", default="numpy", choices=BACKENDS,
                   help="where the Jacobian products and QRs run (default numpy; jax and "
                   "torch use the GPU when one is present; float64 always)")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print one JSON object")
    form.add_argument("--csv", action="store_true", help="print the exponents as CSV: "
                      f"{CSV_HEADER} (with a header line)")
    p.add_argument("--plot", metavar="FILE", type=output_file,
                   help="also draw the exponents (one setting) or lambda_max against g (a "
                        "grid) to FILE (.png or .pdf)")
    p.add_argument("--scheduler", metavar="ADDR", help="with a grid: the address of a dask "
                   "scheduler (tcp://host:8786) to shard the grid over")
    p.set_defaults(run=run_lyapunov)
    return p


def run_lyapunov(args):
    from reports.lyapunov_run import run

    sys.stdout.write(run(args))
    return 0
