"""``rnngrad derive --cell C``: the derivation of a cell (lstm, gru, indrnn, elman), symbolic
(``--hidden N --steps T``) or with the concrete weights of a case file (``--case CASE.json``),
read exactly: JSON numbers become exact rationals (0.1 → 1/10), as derive reads numbers.

Case file: the cell case format of ``rnngrad check`` (``rnngrad check --help``), validated by
the same parser with the same messages and defaults (biases, h0, c0 = 0; "y" optional or null).
"""

import json

import derive
import numeric
from reports.cli_support import UsageError, exact_decimal


def add_cell_options(d):
    """--cell and --case on the ``derive`` subcommand."""
    d.add_argument("--cell", metavar="C", help="derive for a cell instead of the plain RNN: "
                   f"{', '.join(derive.cell_names())} (PyTorch's layout and gate order)")
    d.add_argument("--case", metavar="CASE.json", help="with a cell: its concrete weights, "
                   "h0 (c0), x and y from a case file (numbers read exactly); n and T from it")


def run_cell_derive(args, output_kind, render, emit):
    """Build the cell, derive and render it within the symbolic budget
    (``render(kind, derivation, payload)`` -> text), and hand the text to ``emit(kind, text)``."""
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
    act = None if cell.activation is None else cell.activation.name
    try:   # the rendering too: SymPy's printing of huge exact numbers can take as long
        with derive.symbolic_budget(derive.BUDGET_SECONDS, f"the {cell.kind.name} cell with "
                                    f"n={cell.hidden}, T={T}", "'rnngrad check CASE.json' "
                                    "computes its Jacobians numerically"):
            result = derive.derivation(cell, T, expanded=args.expanded)
            payload = {"cell": cell.kind.name, "activation": act, "hidden": cell.hidden,
                       "inputs": cell.inputs, "steps": T, "state": list(cell.kind.state),
                       "concrete": args.case is not None, "derivation": result.to_dict()}
            text = render(kind, result, payload)
    except derive.ExpressionTooLarge:
        raise UsageError(f"--expanded for the {cell.kind.name} cell with n={cell.hidden}, "
                         f"T={T} would exceed {derive.MAX_OPERATIONS:,} operations; drop "
                         "--expanded, or use 'rnngrad check CASE.json' for numbers") from None
    return emit(kind, text)


def _symbolic(args):
    if args.cell is None:
        raise UsageError("--case needs --cell")
    missing = [flag for flag, value in (("--hidden", args.hidden), ("--steps", args.steps))
               if value is None]
    if missing:
        raise UsageError(f"--cell without --case needs {' and '.join(missing)}")
    for flag, value, cap in (("--hidden", args.hidden, derive.MAX_HIDDEN),
                             ("--inputs", args.inputs, derive.MAX_INPUTS)):
        if value < 1:
            raise UsageError(f"{flag} must be >= 1, got {value}")
        if value > cap:   # before the symbolic matrices of that size are made
            raise UsageError(f"{flag} {value:,} is beyond the symbolic derivation's limit "
                             f"{cap:,}; 'rnngrad check CASE.json' computes the Jacobians "
                             "numerically")
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
    """The cell of a case file: validated by the parser ``rnngrad check`` uses (same keys,
    defaults and messages), then built from the numbers read exactly."""
    from reports.case_files import read_limited
    from reports.checking import parse_case_text

    try:
        text = read_limited(args.case, "case file")
        case = parse_case_text(text, args.case)
    except ValueError as err:
        raise UsageError(str(err).splitlines()[0]) from None
    if not isinstance(case, numeric.CellCase):
        raise UsageError(f"{args.case}: no \"cell\" key; derive --case reads cell case files "
                         "(\"cell\": one of " + ", ".join(derive.cell_names()) + ")")
    kind = case.kind
    if args.cell is not None and args.cell != kind.name:
        raise UsageError(f"--cell {args.cell} but the case file is a {kind.name} cell")
    return case_cell(case, read_exact(text), args)


def read_exact(text):
    """The (already validated) case file as a dict, every JSON number exact: ints stay ints,
    decimals become the Fraction of their text (0.1 → 1/10)."""
    return json.loads(text, parse_float=lambda number: exact_decimal(number, "a case-file "
                                                                      "number"))


def case_cell(case, data, args):
    """A derive.Cell of the validated ``case`` with the exact numbers of ``data``; what the
    case leaves out is 0 as in ``rnngrad check`` (biases, h0, c0)."""
    kind, n, m = case.kind, case.hidden, case.x.shape[1]
    if args.hidden is not None and args.hidden != n:
        raise UsageError(f"--hidden {args.hidden} but the case has n = {n}")
    params = {p.name: data.get(p.name, _zeros(p.shape(n, m), p.columns == 1))
              for p in kind.parameters}
    state0 = [v for part in kind.state for v in data.get(f"{part}0", [0] * n)]
    return derive.cell(kind.name, n, m, activation=_exact_activation(case, data),
                       state0=state0, x=data["x"], **params)


def _zeros(shape, flat):
    rows, cols = shape
    return [0] * rows if flat else [[0] * cols for _ in range(rows)]


def _exact_activation(case, data):
    """The case's φ, with an ``alpha`` read exactly (the parser holds it as a float)."""
    if case.activation is None or data.get("alpha") is None:
        return case.activation
    return derive.activation(data["activation"], alpha=data["alpha"])
