"""``rnngrad derive``: the step-by-step derivation of a symbolic RNN, printed or written as
LaTeX, text, JSON or a compiled PDF (see ``add_derive_parser`` for the options).
"""

import json
import sys
from pathlib import Path

import derive
from derive import derivation
from reports.cli_support import UsageError, exact_decimal, integer
from reports.files import TexFailed, TexUnavailable, build_pdf, write_atomic
from reports.out_paths import output_file

#: what ``rnngrad derive --out FILE`` writes, by FILE's suffix
OUT_FORMATS = {".tex": "latex", ".txt": "text", ".json": "json", ".pdf": "pdf"}
MAX_HIDDEN, MAX_INPUTS, MAX_STEPS = derive.MAX_HIDDEN, derive.MAX_INPUTS, derive.MAX_STEPS
_SIZE = integer(-10**9, 10**9)   # argparse reads no more digits than that; caps in run_derive
NUMERIC_PATH = "'rnngrad check CASE.json' computes the Jacobians and bounds numerically"


def add_derive_parser(commands):
    """The ``derive`` subcommand, added to argparse's ``commands``."""
    d = commands.add_parser("derive", help="derive dh_k/dh_(k-1), the product, bounds and "
                            "regime conditions for a symbolic RNN or cell (--cell)",
                            description="Print or write the step-by-step derivation.",
                            epilog="exit status: 0 success, 1 FILE.pdf not built (no TeX "
                            "engine, or TeX failed; FILE.tex is written all the same), 2 bad "
                            "input (one line on stderr)")
    which = d.add_mutually_exclusive_group()   # one is required without --cell (run_derive)
    which.add_argument("--activation", metavar="A",
                       help=f"registered activation: {', '.join(derive.activation_names())}")
    which.add_argument("--formula", metavar="TEXT",
                       help="custom activation in one variable, e.g. 'x/(1+Abs(x))' "
                            "(safe parser; no eval)")
    d.add_argument("--alpha", metavar="X", help="alpha of leaky_relu or elu (exact decimal or "
                   "fraction, e.g. 0.1 or 1/10)")
    d.add_argument("--hidden", type=_SIZE, metavar="N", help="hidden size n >= 1 (required but "
                   "with --case)")
    d.add_argument("--inputs", type=_SIZE, default=1, metavar="M",
                   help="input size m >= 1 (default 1)")
    d.add_argument("--steps", type=_SIZE, metavar="T", help="sequence length T >= 1 (required "
                   "but with --case: T of its x)")
    d.add_argument("--format", choices=("latex", "text", "json"),
                   help="latex: an align* fragment (a whole document with --document); text: "
                        "for reading; json: for programs.  Default: from the suffix of --out, "
                        "else latex")
    d.add_argument("--expanded", action="store_true",
                   help="also write the product dh_T/dh_0 out entry by entry (small n, T)")
    d.add_argument("--document", action="store_true",
                   help="a complete standalone LaTeX document instead of an align* fragment "
                        "(LaTeX only)")
    d.add_argument("--out", metavar="FILE", type=output_file,
                   help="write to FILE instead of stdout: FILE.tex (latex), FILE.txt (text), "
                        "FILE.json (json), or FILE.pdf (the document, compiled; FILE.tex beside "
                        "it)")
    d.add_argument("--no-pdf", action="store_true",
                   help="with --out FILE.pdf: write FILE.tex only, without building the PDF")
    from reports.deriving_cells import add_cell_options
    add_cell_options(d)
    d.set_defaults(run=run_derive)


DERIVE_NOTICE_S = 3.0   # a line on stderr once a derivation has run this long (n = 100: 5 s)


def run_derive(args):
    from reports.progress import still_working

    what = (f"the {args.cell} cell" if args.cell is not None else
            "the case file's cell" if args.case is not None else "the derivation")
    with still_working("rnngrad derive", what, DERIVE_NOTICE_S):
        return _run_derive(args)


def _run_derive(args):
    if args.cell is not None or args.case is not None:
        from reports.deriving_cells import run_cell_derive

        return run_cell_derive(
            args, _output_kind, lambda kind, result, payload: rendered(args, kind, result, payload),
            lambda kind, text: write_output(args, kind, text))
    _require_rnn_options(args)
    kind = _output_kind(args)
    hidden = _size(args.hidden, "--hidden", MAX_HIDDEN)
    inputs = _size(args.inputs, "--inputs", MAX_INPUTS)
    steps = _size(args.steps, "--steps", MAX_STEPS)
    act = _activation(args)
    rnn = derive.RNN(hidden=hidden, inputs=inputs, activation=act)
    try:   # the rendering too: SymPy's printing of a big expression can take as long
        with derive.symbolic_budget(derive.BUDGET_SECONDS, f"n={hidden}, m={inputs}, T={steps}",
                                    NUMERIC_PATH):
            result = derivation(rnn, steps, expanded=args.expanded)
            payload = {"activation": act.name, "hidden": rnn.hidden, "inputs": rnn.inputs,
                       "steps": steps, "gamma": str(act.gamma), "gamma_exact": act.gamma_exact,
                       "gamma_method": act.gamma_method,
                       "gamma_attained": {key: value for key, value in act.attainment().items()
                                          if key in ("set", "limits", "no_limit")},
                       "derivation": result.to_dict()}
            text = rendered(args, kind, result, payload)
    except derive.ExpressionTooLarge:
        raise UsageError(f"--expanded for n={rnn.hidden}, T={steps} would exceed "
                         f"{derive.MAX_OPERATIONS:,} operations; drop --expanded, or use "
                         "'rnngrad check CASE.json' for numbers") from None
    return write_output(args, kind, text)


def rendered(args, kind, result, payload):
    """A derivation's text in the format ``kind`` (json: ``payload``; pdf: the standalone
    document)."""
    if kind == "pdf":
        return result.document()
    if kind == "json":
        return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if kind == "text":
        return result.to_text()
    return result.document() if args.document else result.to_latex()


def write_output(args, kind, text):
    """Print or write a derivation's ``text`` (pdf: the document, compiled)."""
    if kind == "pdf":
        return _write_pdf(text, Path(args.out), args.no_pdf)
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_atomic(Path(args.out), text)
    return 0


def _require_rnn_options(args):
    """What argparse required before --cell existed, with its words: --hidden and --steps,
    and one of --activation and --formula."""
    missing = [flag for flag, value in (("--hidden", args.hidden), ("--steps", args.steps))
               if value is None]
    if missing:
        raise UsageError(f"the following arguments are required: {', '.join(missing)}")
    if args.activation is None and args.formula is None:
        raise UsageError("one of the arguments --activation --formula is required")


def _output_kind(args):
    """What derive writes (latex, text, json or pdf), from --format, --out and --document;
    UsageError when they disagree, so that no combination silently does something else."""
    kind = args.format
    if args.out is not None:
        suffix = Path(args.out).suffix.lower()
        if suffix not in OUT_FORMATS:
            raise UsageError(f"--out {args.out}: unsupported file type {suffix or '(none)'}; "
                             "use .tex, .txt, .json or .pdf")
        implied = OUT_FORMATS[suffix]
        if kind not in (None, implied) and (kind, implied) != ("latex", "pdf"):
            raise UsageError(f"--out {args.out} does not match --format {kind} (.tex: latex, "
                             ".txt: text, .json: json, .pdf: the compiled document)")
        kind = implied
    kind = kind or "latex"
    if args.document and kind in ("text", "json"):
        raise UsageError(f"--document makes a LaTeX document, not {kind}: drop --document, or "
                         "use --format latex (or --out FILE.tex / FILE.pdf)")
    if args.no_pdf and kind != "pdf":
        raise UsageError("--no-pdf applies to --out FILE.pdf only")
    return kind


def _size(value, option, cap):
    """``value`` of ``option`` when 1 <= value <= cap; UsageError naming the cap and the
    numeric path otherwise."""
    if value < 1:
        raise UsageError(f"{option} must be >= 1, got {value}")
    if value > cap:
        raise UsageError(f"{option} {value:,} is beyond the symbolic derivation's limit "
                         f"{cap:,} (n = 400 takes half a minute); "
                         f"{NUMERIC_PATH}")
    return value


def _activation(args):
    if args.formula is not None:
        if args.alpha is not None:
            raise UsageError("--alpha applies to --activation leaky_relu or elu only")
        return derive.parse_activation(args.formula)
    if args.alpha is None:
        return derive.activation(args.activation)
    if "alpha" not in derive.activation_parameters(args.activation):
        raise UsageError("--alpha applies to --activation leaky_relu or elu only")
    alpha = exact_decimal(args.alpha, "--alpha")
    try:
        return derive.activation(args.activation, alpha=alpha)
    except ValueError as err:   # alpha out of range: say it of the flag
        raise UsageError(str(err).replace(f"{args.activation} alpha", "--alpha")) from None


def _write_pdf(document, out, no_pdf):
    """Write the document's .tex beside ``out`` and build ``out``; 1 when the PDF is not built
    (no TeX engine, or TeX failed) unless --no-pdf asked for the .tex alone."""
    tex = out.with_suffix(".tex")
    write_atomic(tex, document)
    out.unlink(missing_ok=True)   # an older PDF would no longer match the .tex
    if no_pdf:
        print(f"rnngrad: wrote {tex} (--no-pdf: no PDF built)", file=sys.stderr)
        return 0
    try:
        build_pdf(document, out)
    except (TexUnavailable, TexFailed) as err:
        print(f"rnngrad: error: wrote {tex} but not {out}: {err}", file=sys.stderr)
        return 1
    print(f"rnngrad: wrote {tex} and {out}", file=sys.stderr)
    return 0
