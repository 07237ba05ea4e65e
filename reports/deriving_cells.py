"""``rnngrad derive --cell C``: the derivation of a cell (lstm, gru, indrnn, elman), symbolic
(``--hidden N --steps T``) or with the concrete weights of a case file (``--case CASE.json``),
read exactly: JSON numbers become exact rationals (0.1 → 1/10), as derive reads numbers.

Case file (an object): "cell"; weight_ih, weight_hh, bias_ih, bias_hh in PyTorch's stacked
layout (indrnn: weight_ih, bias, u); elman "nonlinearity" ("tanh" | "relu") or "activation",
indrnn "activation"; "h0" (n), "c0" (n, lstm only), "x" (T rows of m), optional "y" (n).
"""

import json
import sys
from fractions import Fraction
from pathlib import Path

import derive
from reports.cli_support import UsageError

STATE_KEYS = {"h0", "c0"}
OTHER_KEYS = {"cell", "nonlinearity", "activation", "x", "y"}


def add_cell_options(d):
    """--cell and --case on the ``derive`` subcommand."""
    d.add_argument("--cell", metavar="C", help="derive for a cell instead of the plain RNN: "
                   f"{', '.join(derive.cell_names())} (PyTorch's layout and gate order)")
    d.add_argument("--case", metavar="CASE.json", help="with a cell: its concrete weights, "
                   "h0 (c0), x and y from a case file (numbers read exactly); n and T from it")


def run_cell_derive(args, output_kind, emit):
    """Build the cell, derive, and hand the text to ``emit(kind, derivation, payload)``."""
    kind = output_kind(args)
    if args.case is not None:
        if args.activation is not None or args.formula is not None or args.alpha is not None:
            raise UsageError("with --case the activation comes from the case file: drop "
                             "--activation, --formula and --alpha")
        cell = _from_case(args)
    else:
        cell = _symbolic(args)
    T = args.steps if args.steps is not None else cell.T
    if not isinstance(T, int) or T < 1:
        raise UsageError(f"--steps must be >= 1, got {T}")
    try:
        result = derive.derivation(cell, T, expanded=args.expanded)
    except derive.ExpressionTooLarge:
        raise UsageError(f"--expanded for the {cell.kind.name} cell with n={cell.hidden}, "
                         f"T={T} would exceed {derive.MAX_OPERATIONS:,} operations; drop "
                         "--expanded, or use 'rnngrad check CASE.json' for numbers") from None
    act = None if cell.activation is None else cell.activation.name
    payload = {"cell": cell.kind.name, "activation": act, "hidden": cell.hidden,
               "inputs": cell.inputs, "steps": T, "state": list(cell.kind.state),
               "concrete": args.case is not None, "derivation": result.to_dict()}
    return emit(kind, result, payload)


def _symbolic(args):
    if args.cell is None:
        raise UsageError("--case needs --cell")
    missing = [flag for flag, value in (("--hidden", args.hidden), ("--steps", args.steps))
               if value is None]
    if missing:
        raise UsageError(f"--cell without --case needs {' and '.join(missing)}")
    for flag, value in (("--hidden", args.hidden), ("--inputs", args.inputs)):
        if value < 1:
            raise UsageError(f"{flag} must be >= 1, got {value}")
    kind = derive.cell_kind(args.cell)
    act = None
    if args.activation is not None or args.formula is not None:
        if not kind.takes_activation:
            raise UsageError(f"the {kind.name} cell has fixed gates (sigmoid, tanh): drop "
                             "--activation / --formula")
        from reports.deriving import _activation
        act = _activation(args)
    elif args.alpha is not None:
        raise UsageError("--alpha applies to --activation leaky_relu or elu only")
    return derive.cell(kind.name, args.hidden, args.inputs, activation=act)


def _from_case(args):
    data = read_exact(args.case)
    name = data.get("cell")
    if name is None:
        raise UsageError(f"{args.case}: no \"cell\" key; derive --case reads cell case files "
                         "(\"cell\": one of " + ", ".join(derive.cell_names()) + ")")
    kind = derive.cell_kind(name) if isinstance(name, str) else derive.cell_kind(repr(name))
    if args.cell is not None and args.cell != kind.name:
        raise UsageError(f"--cell {args.cell} but the case file is a {kind.name} cell")
    return case_cell(kind, data, args)


def read_exact(path):
    """The case file as a dict, every JSON number exact (ints, Fractions of the decimal text)."""
    def refuse(constant):
        raise UsageError(f"{path}: {constant} is not a finite number")
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text, parse_float=Fraction, parse_constant=refuse)
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read case file {path}: {err}") from None
    except json.JSONDecodeError as err:
        raise UsageError(f"{path} is not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: the case must be a JSON object")
    return data


def case_cell(kind, data, args):
    """A derive.Cell from the case's lists, shapes checked per stacked block."""
    names = set(kind.parameter_names())
    unknown = sorted(set(data) - names - STATE_KEYS - OTHER_KEYS)
    if unknown:
        raise UsageError(f"{unknown[0]!r} is not a key of a {kind.name} case; it takes "
                         f"{', '.join(kind.parameter_names())}, h0, x, y"
                         + (", c0" if "c" in kind.state else ""))
    for key in ("h0", "x", *kind.parameter_names()):
        if key not in data:
            raise UsageError(f"the {kind.name} case needs {key!r}")
    n = _length(data["h0"], "h0")
    x = data["x"]
    if not isinstance(x, list) or not x or not isinstance(x[0], list) or not x[0]:
        raise UsageError("x must be T >= 1 rows of m >= 1 numbers")
    m = len(x[0])
    if args.hidden is not None and args.hidden != n:
        raise UsageError(f"--hidden {args.hidden} but the case has n = {n} (h0)")
    state0 = list(data["h0"]) + _cell_state(kind, data, n)
    for p in kind.parameters:
        _check_shape(kind, p, data[p.name], n, m)
    if "y" in data:
        _length(data["y"], "y", n)
    params = {p: data[p] for p in kind.parameter_names()}
    return derive.cell(kind.name, n, m, activation=_case_activation(kind, data),
                       state0=state0, x=x, **params)


def _cell_state(kind, data, n):
    if "c" not in kind.state:
        if "c0" in data:
            raise UsageError(f"c0 belongs to the lstm cell; the {kind.name} cell has no c")
        return []
    if "c0" not in data:
        raise UsageError(f"the {kind.name} case needs 'c0' (n = {n} numbers)")
    _length(data["c0"], "c0", n)
    return list(data["c0"])


def _case_activation(kind, data):
    if "nonlinearity" in data and "activation" in data:
        raise UsageError("give either 'nonlinearity' or 'activation', not both")
    if "nonlinearity" in data:
        if kind.name != "elman":
            raise UsageError(f"'nonlinearity' belongs to the elman cell, not {kind.name}")
        if data["nonlinearity"] not in ("tanh", "relu"):
            raise UsageError(f"nonlinearity must be \"tanh\" or \"relu\" (as nn.RNNCell), got "
                             f"{data['nonlinearity']!r}")
        return data["nonlinearity"]
    if "activation" in data and not kind.takes_activation:
        raise UsageError(f"the {kind.name} cell has fixed gates; 'activation' does not apply")
    act = data.get("activation")
    if act is not None and not isinstance(act, str):
        raise UsageError(f"activation must be a name, got {act!r}")
    return act


def _length(value, key, expected=None):
    if not isinstance(value, list) or not value or any(isinstance(v, list) for v in value):
        raise UsageError(f"{key} must be a non-empty list of numbers")
    if expected is not None and len(value) != expected:
        raise UsageError(f"{key} must have n = {expected} numbers, got {len(value)}")
    return len(value)


def _check_shape(kind, p, value, n, m):
    rows, cols = p.shape(n, m)
    blocks = len(p.bases)
    rows_text = f"{blocks}n" if blocks > 1 else "n"
    if p.columns == 1:
        expected, got = f"({rows_text},) = ({rows},)", _shape(value, flat=True)
        ok = got == (rows,)
    else:
        expected = f"({rows_text}, {p.columns}) = ({rows}, {cols})"
        got = _shape(value)
        ok = got == (rows, cols)
    if not ok:
        raise UsageError(f"{p.name} must be {expected} for {kind.name} with n = {n}, m = {m}, "
                         f"got {got}")


def _shape(value, flat=False):
    if not isinstance(value, list):
        return "a scalar"
    if flat or not value or not all(isinstance(row, list) for row in value):
        return (len(value),) if not any(isinstance(v, list) for v in value) else "nested"
    widths = {len(row) for row in value}
    return (len(value), widths.pop()) if len(widths) == 1 else "ragged"


def write_output(args, kind, result, payload, write_pdf, write_atomic):
    """Print or write the cell derivation as the plain-RNN command does."""
    if kind == "pdf":
        return write_pdf(result.document(), Path(args.out), args.no_pdf)
    if kind == "json":
        text = json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    elif kind == "text":
        text = result.to_text()
    else:
        text = result.document() if args.document else result.to_latex()
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_atomic(Path(args.out), text)
    return 0
