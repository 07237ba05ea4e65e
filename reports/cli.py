"""The ``rnngrad`` command line.

    rnngrad derive --activation A --hidden N --steps T [--inputs M] [--alpha X]
                   [--format latex|text|json] [--expanded] [--document] [--out FILE] [--no-pdf]
    rnngrad derive --cell C (--hidden N --steps T | --case CASE.json) [...]
    rnngrad check CASE.json [--json] [--rtol R]
    rnngrad check CASE.json --grads G [G ...] [--json | --csv] [--dtype D] [--probes K]
                  [--seed S] [--rtol R]
    rnngrad sweep --activation A --w LIST --T LIST [--h0 H] [--input X] [--noise S] [--seed K]
                  [--json | --csv] [--plot FILE]
    rnngrad sweep --cell C (--gain LIST | --forget-bias LIST) --T LIST [--hidden N] [--seed K]
                  [--activation A] [--input X] [--noise S] [--json | --csv]
    rnngrad lyapunov --cell C --hidden N --gain G --T T [--activation A] [--seed S] [--k K]
                     [--burn-in B] [--reorth-every R] [--input X] [--noise S]
                     [--backend numpy|jax|torch] [--json | --csv] [--plot FILE]
                     [--scheduler ADDR]   (lists in --gain, --hidden, --seed: a grid)
    rnngrad report [--out DIR] [--format pdf|html|all] [--paper a4|letter] [--lang en|zh]
                   [--no-pdf]
    rnngrad exercise --cell elman|lstm|gru [--hidden N] [--steps T] [--seed S] [--out DIR]
                     [--no-pdf]
    rnngrad --version

Exit codes: 0 success, 1 a failed check or a PDF asked for and not built, 2 bad input (one line
on stderr), 130 interrupted (Ctrl-C).
"""

import argparse
import math
import sys

import derive
from reports.check_cli import add_check_parser
from reports.cli_support import MAIN_EPILOG, MAX_SEED, UsageError, integer, version
from reports.deriving import add_derive_parser
from reports.entry import interrupted
from reports.exercise_cli import add_exercise_parser
from reports.lyapunov_cli import add_lyapunov_parser
from reports.out_paths import output_file, output_folder, shell_word

BACKEND_NAMES = ("numpy", "jax", "torch")   # numeric.BACKENDS, not imported at start-up


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit status 2."""

    lazy_epilog = None   # a function giving the epilog, called only when the help is shown

    def error(self, message):
        raise UsageError(message)

    def format_help(self):
        if self.lazy_epilog is not None:
            self.epilog = self.lazy_epilog()
        return super().format_help()


def build_parser():
    parser = _Parser(prog="rnngrad", description="Exact, numerically checked, printable "
                     "derivations of vanishing and exploding gradients in RNNs.",
                     epilog=MAIN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"rnngrad {version()}",
                        help="print rnngrad's version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands",
                                     parser_class=_Parser)
    add_derive_parser(commands)
    add_check_parser(commands)
    s = commands.add_parser(
        "sweep", help="log10|dh_T/dh_0| over a grid of w and T for h_t = phi(w h_(t-1) + x_t)",
        description="Sweep the scalar RNN over w and T.  Lists: 0.5,1,1.5; ranges: a:b:num "
        "for --w (linspace), a:b[:step] for --T (inclusive).  Negative values must be joined "
        "with '=': --w=-2.7,0.5 (a bare -2.7 reads as an option).  With h_0 = 0 and x_t = 0 "
        "(the defaults) tanh never leaves its fixed point 0, where it is linear: the output "
        "says so; --input 0.1 or --noise 0.1 shows the non-linear regime.  With --cell: "
        "a cell's log10||ds_T/ds_0||_2 over a gain g (recurrent weights g * W0) or, for the "
        "LSTM, a forget bias b_f (--forget-bias=-2:4:13), at PyTorch's default "
        "initialisation drawn from --seed, driven by x_t = --input + --noise * N(0,1) "
        "(default 0.1 * N(0,1)) from s_0 = 0.")
    s.add_argument("--activation", metavar="A",
                   help=f"one of: {', '.join(derive.activation_names())} (default tanh; "
                        "with --cell for elman and indrnn only)")
    s.add_argument("--w", metavar="LIST", help="weights: 0.5,1,1.5 or -3:3:61 "
                   "(write --w=-3:3:61 when it starts with a minus)")
    s.add_argument("--T", required=True, metavar="LIST", help="lengths: 1,10,100 or 1:1000:10")
    s.add_argument("--h0", type=float, help="initial state h_0 (default 0)")
    s.add_argument("--input", type=float, help="constant input x_t (default 0)")
    s.add_argument("--noise", type=float, help="add noise * N(0,1) to x_t, drawn with --seed "
                   "(default 0; with --cell 0.1)")
    s.add_argument("--seed", type=integer(0, MAX_SEED), metavar="K", help="seed of the input "
                   "noise, 0 to 2^63 - 1 (default 0); it applies with --noise (refused "
                   "without it: nothing else is drawn); with --cell also of the parameters")
    add_cell_arguments(s)
    form = s.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print one JSON object (every value)")
    form.add_argument("--csv", action="store_true", help="print every (w, T) as CSV: "
                      "activation,w,T,log10_abs_grad,log10_bound,regime,rate,reliable (with a "
                      "header line; a cell sweep: cell,activation,parameter,value,T,log10_norm,"
                      "log10_norm_h,regime,rate,reliable)")
    s.add_argument("--plot", metavar="FILE", type=output_file,
                   help="also draw the sweep to FILE (.png or .pdf)")
    s.set_defaults(run=run_sweep)
    add_lyapunov_parser(commands)
    r = commands.add_parser("report", help="write the lecture notes: report.pdf, report.html, "
                            "report.tex, figures/ and results.json",
                            description="The main job: lecture notes on why RNN gradients "
                            "vanish or explode, with every derivation, check and figure, as a "
                            "PDF (through LaTeX) and as one self-contained HTML file.",
                            epilog="exit status: 0 success (also when --format all finds no TeX "
                            "engine: report.html is written and the message says the PDF was "
                            "not), 1 report.pdf asked for and not built (TeX failed, or "
                            "--format pdf without a TeX engine), 2 bad input (one line on "
                            "stderr), 130 interrupted (Ctrl-C or SIGTERM; the files written "
                            "are complete).  Two reports into one folder: the second waits")
    r.add_argument("--out", default="out", metavar="DIR", type=output_folder,
                   help="output folder (default out/)")
    r.add_argument("--format", default="all", choices=("pdf", "html", "all"),
                   help="pdf (report.pdf, needs a TeX engine), html (report.html, no TeX "
                        "needed) or all (default: both)")
    r.add_argument("--paper", default="a4", choices=("a4", "letter"),
                   help="the PDF's paper size (default a4)")
    r.add_argument("--lang", default="en", choices=("en", "zh"),
                   help="the HTML's language: en (default) or zh (Chinese); the PDF is in "
                        "English")
    r.add_argument("--no-pdf", action="store_true",
                   help="do not build report.pdf (same as --format html)")
    r.set_defaults(run=run_report)
    add_exercise_parser(commands)
    return parser


def run_report(args):
    import time

    from reports.files import NO_TEX
    from reports.report import PdfNotBuilt, write_report

    start = time.monotonic()

    def progress(step):
        print(f"rnngrad report: {step} ({time.monotonic() - start:.1f} s)", file=sys.stderr,
              flush=True)

    formats = "html" if args.no_pdf else args.format
    options = [f"--out {shell_word(args.out)}" if args.out != "out" else "",
               f"--format {formats}" if formats != "all" else "",
               f"--paper {args.paper}" if args.paper != "a4" else "",
               f"--lang {args.lang}" if args.lang != "en" else ""]
    command = " ".join(["rnngrad report", *filter(None, options)])
    try:
        written = write_report(args.out, command, progress, formats, args.paper, args.lang)
    except PdfNotBuilt as err:  # report.tex, report.html and the rest are written
        if err.no_tex and formats == "all":
            progress(f"done: {len(err.written)} files in {args.out}, report.html included; "
                     f"report.pdf not built: {NO_TEX}")
            return 0
        print(f"rnngrad: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"rnngrad: error: interrupted; the files already in {args.out} are complete "
              "(each is written atomically), the rest were not written", file=sys.stderr)
        return 130
    skipped = " (report.pdf not asked for)" if "pdf" not in formats and formats != "all" else ""
    progress(f"done: {len(written)} files in {args.out}{skipped}")
    return 0


def add_cell_arguments(s):
    """The cell sweep's options of ``rnngrad sweep`` (``reports.cell_sweeping``)."""
    s.add_argument("--cell", metavar="C", help="sweep a cell instead of the scalar RNN: one "
                   f"of {', '.join(derive.cell_names())}")
    s.add_argument("--hidden", type=int, metavar="N", help="with --cell: hidden size n "
                   "(default 32)")
    s.add_argument("--gain", metavar="LIST", help="with --cell: gains g, recurrent weights "
                   "g * W0 (W0 ~ N(0, 1/n) for elman, PyTorch's default draw otherwise; "
                   "indrnn: g * u), e.g. 0.25:2.5:64")
    s.add_argument("--forget-bias", metavar="LIST", help="with --cell lstm: total forget-gate "
                   "biases b_f (bias_ih's f block = b_f, bias_hh's = 0), e.g. "
                   "--forget-bias=-2:4:13")
    s.add_argument("--backend", choices=BACKEND_NAMES, help="with --cell: the array library that "
                   "multiplies the step Jacobians, float64, on its GPU when one is present: "
                   "numpy (default), jax or torch (when installed); the JSON reports it and "
                   "the device")


def run_sweep(args):
    from reports import cell_sweeping
    from reports.progress import Progress
    from reports.sweeping import run

    if cell_sweeping.requested(args):
        args.seed = 0 if args.seed is None else args.seed
        sys.stdout.write(cell_sweeping.run(args))
        return 0
    if args.backend not in (None, "numpy"):
        raise UsageError("--backend applies to the cell sweeps (--cell, e.g. --cell elman "
                         "--gain LIST); the scalar sweep's products are numbers, in NumPy")
    if args.w is None:
        raise UsageError("the following arguments are required: --w (or --cell with --gain "
                         "or --forget-bias)")
    args.activation = args.activation or "tanh"
    if args.seed is not None and not args.noise:
        raise UsageError(f"--seed {args.seed} has no effect without --noise (the scalar sweep "
                         "draws only the input noise); add --noise S, or drop --seed")
    for name in ("h0", "input", "noise"):
        setattr(args, name, 0.0 if getattr(args, name) is None else getattr(args, name))
    for name in ("h0", "input", "noise"):
        if not math.isfinite(getattr(args, name)):
            raise UsageError(f"--{name} must be finite, got {getattr(args, name)}")
    output = "json" if args.json else "csv" if args.csv else "table"
    text, notes = run(args.activation, args.w, args.T, args.h0, args.input, args.noise,
                      args.seed or 0, output, args.plot, Progress("rnngrad sweep"))
    sys.stdout.write(text)
    for note in notes:
        print(f"rnngrad sweep: note: {note}", file=sys.stderr)
    return 0


def main(argv=None):
    """Entry point of the ``rnngrad`` console script; returns the exit status."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            sys.stderr.write(parser.format_help())
            print("rnngrad: error: choose a command: derive, check, sweep, lyapunov, report or "
                  "exercise", file=sys.stderr)
            return 2
        return args.run(args)
    except SystemExit as done:  # --help and --version print, then exit 0
        return 0 if done.code is None else done.code
    except UsageError as err:
        print(f"rnngrad: error: {err}", file=sys.stderr)
        return 2
    except ValueError as err:  # derive's validation: bad input, one line
        print(f"rnngrad: error: {str(err).splitlines()[0]}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"rnngrad: error: cannot write: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:   # a report says which files are complete (run_report)
        return interrupted()


if __name__ == "__main__":
    sys.exit(main())
