"""The ``rnngrad`` command line.

    rnngrad derive --activation A --hidden N --steps T [--format latex|text|json]
                   [--expanded] [--document] [--out FILE]
    rnngrad check CASE.json [--json] [--rtol R]
    rnngrad sweep --activation A --w LIST --T LIST [--h0 H] [--input X] [--json] [--plot FILE]

Exit codes: 0 success, 1 a failed check or build, 2 bad input (one line on stderr).
"""

import argparse
import json
import math
import sys
from pathlib import Path

import derive
from derive.derivations import derivation
from reports.files import TexFailed, TexUnavailable, build_pdf, write_atomic


class UsageError(Exception):
    """Bad input: reported in one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit status 2."""

    def error(self, message):
        raise UsageError(message)


def build_parser():
    parser = _Parser(prog="rnngrad", description="Exact, numerically checked, printable "
                     "derivations of vanishing and exploding gradients in RNNs.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    d = commands.add_parser("derive", help="derive dh_k/dh_(k-1), the product, bounds and "
                            "regime conditions for a symbolic RNN",
                            description="Print or write the step-by-step derivation.")
    which = d.add_mutually_exclusive_group(required=True)
    which.add_argument("--activation", metavar="A",
                       help=f"registered activation: {', '.join(derive.activation_names())}")
    which.add_argument("--formula", metavar="TEXT",
                       help="custom activation in one variable, e.g. 'x/(1+Abs(x))' "
                            "(safe parser; no eval)")
    d.add_argument("--alpha", metavar="X", help="alpha of leaky_relu or elu (exact decimal)")
    d.add_argument("--hidden", type=int, required=True, metavar="N", help="hidden size n >= 1")
    d.add_argument("--inputs", type=int, default=1, metavar="M", help="input size m (default 1)")
    d.add_argument("--steps", type=int, required=True, metavar="T", help="sequence length T >= 1")
    d.add_argument("--format", choices=("latex", "text", "json"), default="latex")
    d.add_argument("--expanded", action="store_true",
                   help="also write the product dh_T/dh_0 out entry by entry (small n, T)")
    d.add_argument("--document", action="store_true",
                   help="a complete standalone LaTeX document instead of an align* fragment")
    d.add_argument("--out", metavar="FILE",
                   help="write to FILE instead of stdout; FILE.pdf compiles the document")
    d.set_defaults(run=run_derive)
    c = commands.add_parser("check", help="check a concrete case's Jacobians and gradients "
                            "against differences, complex step and mpmath",
                            description="Forward pass, step Jacobians, product, bound and "
                            "derivative checks for CASE.json (DESIGN.md section 5).")
    c.add_argument("case", metavar="CASE.json", help="case file (activation, W_hh, W_xh, x; "
                   "optional b_h, h0, y, alpha)")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.add_argument("--rtol", type=float, metavar="R",
                   help="override every check's tolerance (--rtol 1e-30 makes them fail)")
    c.set_defaults(run=run_check)
    s = commands.add_parser(
        "sweep", help="log10|dh_T/dh_0| over a grid of w and T for h_t = phi(w h_(t-1) + x_t)",
        description="Sweep the scalar RNN over w and T.  Lists: 0.5,1,1.5; ranges: a:b:num "
        "for --w (linspace), a:b[:step] for --T (inclusive).  Negative values must be joined "
        "with '=': --w=-2.7,0.5 (a bare -2.7 reads as an option).")
    s.add_argument("--activation", default="tanh", metavar="A",
                   help=f"one of: {', '.join(derive.activation_names())} (default tanh)")
    s.add_argument("--w", required=True, metavar="LIST", help="weights: 0.5,1,1.5 or -3:3:61 "
                   "(write --w=-3:3:61 when it starts with a minus)")
    s.add_argument("--T", required=True, metavar="LIST", help="lengths: 1,10,100 or 1:1000:10")
    s.add_argument("--h0", type=float, default=0.0, help="initial state h_0 (default 0)")
    s.add_argument("--input", type=float, default=0.0, help="constant input x_t (default 0)")
    s.add_argument("--noise", type=float, default=0.0,
                   help="add noise * N(0,1) to x_t, drawn with --seed (default 0)")
    s.add_argument("--seed", type=int, default=0, help="seed of the input noise (default 0)")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument("--plot", metavar="FILE", help="also draw the sweep to FILE (.png or .pdf)")
    s.set_defaults(run=run_sweep)
    r = commands.add_parser("report", help="write the full report: report.tex, report.pdf, "
                            "figures/ and results.json",
                            description="The main job: every derivation, check, figure and "
                            "the audit of the source articles, in one document.")
    r.add_argument("--out", default="out", metavar="DIR", help="output folder (default out/)")
    r.set_defaults(run=run_report)
    return parser


def run_report(args):
    import time

    from reports.report import write_report

    start = time.monotonic()

    def progress(step):
        print(f"rnngrad report: {step} ({time.monotonic() - start:.1f} s)", file=sys.stderr,
              flush=True)

    command = "rnngrad report" + ("" if args.out == "out" else f" --out {args.out}")
    try:
        written = write_report(args.out, command, progress)
    except RuntimeError as err:
        print(f"rnngrad: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"rnngrad: error: interrupted; the files already in {args.out} are complete "
              "(each is written atomically), the rest were not written", file=sys.stderr)
        return 2
    progress(f"done: {len(written)} files in {args.out}")
    return 0


def run_sweep(args):
    from reports.sweeping import run

    for name in ("h0", "input", "noise"):
        if not math.isfinite(getattr(args, name)):
            raise UsageError(f"--{name} must be finite, got {getattr(args, name)}")
    sys.stdout.write(run(args.activation, args.w, args.T, args.h0, args.input, args.noise,
                         args.seed, args.json, args.plot))
    return 0


def run_check(args):
    from reports.checking import check_case, parse_case_text, render_table

    if args.rtol is not None and not (args.rtol > 0 and math.isfinite(args.rtol)):
        raise UsageError(f"--rtol must be a positive number, got {args.rtol}")
    try:
        text = Path(args.case).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read case file {args.case}: {err}") from None
    result = check_case(parse_case_text(text), args.rtol)
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2, sort_keys=True, allow_nan=False) + "\n")
    else:
        sys.stdout.write(render_table(result))
    return 0 if result["passed"] else 1


def run_derive(args):
    act = _activation(args)
    rnn = derive.RNN(hidden=args.hidden, inputs=args.inputs, activation=act)
    result = derivation(rnn, _steps(args.steps), expanded=args.expanded)
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix == ".pdf":
        return _write_pdf(result.document(), out)
    if args.format == "json":
        text = json.dumps({"activation": act.name, "hidden": rnn.hidden, "inputs": rnn.inputs,
                           "steps": args.steps, "gamma": str(act.gamma),
                           "gamma_exact": act.gamma_exact,
                           "gamma_attained": {key: value for key, value in act.attainment().items()
                                              if key in ("set", "limits")},
                           "derivation": result.to_dict()},
                          indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    elif args.format == "text":
        text = result.to_text()
    else:
        text = result.document() if args.document else result.to_latex()
    if out is None:
        sys.stdout.write(text)
    else:
        write_atomic(out, text)
    return 0


def _activation(args):
    if args.formula is not None:
        if args.alpha is not None:
            raise UsageError("--alpha applies to --activation leaky_relu or elu only")
        return derive.parse_activation(args.formula)
    params = {} if args.alpha is None else {"alpha": _decimal(args.alpha, "--alpha")}
    return derive.activation(args.activation, **params)


def _decimal(text, option):
    from fractions import Fraction

    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise UsageError(f"{option} must be a decimal or a fraction such as 0.1 or 1/10, "
                         f"got {text!r}") from None


def _steps(T):
    if T < 1:
        raise UsageError(f"--steps must be >= 1, got {T}")
    return T


def _write_pdf(document, out):
    tex = out.with_suffix(".tex")
    write_atomic(tex, document)
    try:
        build_pdf(document, out)
    except TexUnavailable as err:
        print(f"rnngrad: wrote {tex}; no PDF: {err}", file=sys.stderr)
        return 0
    except TexFailed as err:
        print(f"rnngrad: wrote {tex}; {err}", file=sys.stderr)
        return 1
    print(f"rnngrad: wrote {tex} and {out}", file=sys.stderr)
    return 0


def main(argv=None):
    """Entry point of the ``rnngrad`` console script; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except UsageError as err:
        print(f"rnngrad: error: {err}", file=sys.stderr)
        return 2
    except ValueError as err:  # derive's validation: bad input, one line
        print(f"rnngrad: error: {str(err).splitlines()[0]}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"rnngrad: error: cannot write: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
