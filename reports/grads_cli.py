"""The options of ``rnngrad check CASE.json --grads G ...`` and their part of the help: the names
and layouts --grads accepts, how the tolerance is set, probes and their threshold, the diagnosis
codes, the CSV columns and the JSON object.  (Running the check: ``reports.supplied_run``.)"""

import textwrap

from reports.cli_support import MAX_SEED, UsageError, integer
from reports.supplied_text import CSV_COLUMNS

GRADS_HELP = """\
gradients file (--grads G): your gradients of the case's loss L, each under its name

  .json  one object: name -> a number or nested lists of numbers (a matrix is a list of
         rows), read as float64, e.g. {{"W_hh": [[0.1, -0.2], [0.0, 0.3]], "grad_h0": [1, 2]}}
  .npz   numpy.savez("G.npz", weight_hh=..., bias_ih=...): each array keeps its dtype
         (float16, float32 or float64), and the tolerance follows it
  Any other file, a non-finite number, an unknown name or a wrong shape is refused (the
  message gives the expected shape and layout).  Give any subset of:

  name              shape      meaning
  W_hh, W_xh, b_h   as W_hh..  dL/dW_hh, dL/dW_xh, dL/db_h of a case without "cell" (also
                               under PyTorch's weight_hh, weight_ih, bias_ih; bias_hh gets
                               dL/db_h too); an elman cell takes them for weight_hh, ...
  weight_hh, ...    as in the  dL/d(parameter) of a cell case, PyTorch's names and layouts
                    case       (stacked gate blocks in PyTorch's order)
  PARAM_GATE        n x ...    one gate's block of rows of a stacked parameter, e.g.
                               weight_hh_f (lstm gates i, f, g, o; gru r, z, n)
  grad_h0           n          dL/dh_0
  grad_c0           n          dL/dc_0 (lstm)
  loss              number     L itself
  delta             T x n      the backpropagated errors dL/dh_k, k = 1..T, one row per step
                               (lstm: also T x 2n, [dL/dh_k; dL/dc_k], or as delta_state)
  jacobian_product  S x S      ds_T/ds_0 (S = n; lstm 2n, in the order [h; c])
  step_jacobians    T x S x S  ds_k/ds_(k-1), k = 1..T
  Every parameter gradient and block also takes a grad_ prefix (grad_W_hh, as printed by
  rnngrad check --json).

  tolerance: entry by entry, |supplied - derived| <= allowed.  float64: a cheap rule first,
  allowed = 1e-9 |derived| + 1e-11 max|derived| (correct float64 gradients differ by about
  1e-15 max|derived|), and where an entry exceeds it, a rounding model of the computation;
  float32 and float16 (--dtype, else the arrays' own dtype): always the rounding model of
  that dtype (unit roundoff 2^-24, 2^-11), so a correct float32 gradient does not fail.
  --rtol R replaces both by allowed = R (|derived| + 1e-3 max|derived|).  The table gives
  each quantity's tolerance at its worst entry and, below it, where it came from.
  probes: before a full check its cost (time and memory, from n, T and the quantities) is
  estimated; above the threshold (an estimated 30 s or 2 GiB), or with --probes K, K random
  projections are compared instead, u^T (ds_T/ds_0) v for the Jacobians and <grad L, v> for
  the gradients, by forward mode (16 unless --probes says; directions drawn from --seed);
  the output says which was done and why.
  Taylor test: the remainder |L(theta + eps v) - L(theta) - eps <grad, v>| over a range of
  eps falls with slope 2 (log-log) for a right gradient and 1 for a wrong one: a verdict
  that needs no step size, printed beside the other (float64 files of small cases with a
  parameter or initial-state gradient; otherwise n/a, with the reason).

  diagnosis codes (a wrong gradient is compared with the gradient each mistake produces;
  every match is reported, with one sentence):
{codes}

  output with --grads: a table per file (verdict, max abs and componentwise relative error,
  tolerance, the worst entry: index, time step, supplied and derived value; the diagnosis;
  the Taylor test; several files end with a count of the right, wrong and invalid ones);
  --csv: one row per file with the columns
    {columns}
  (verdict pass, FAIL or invalid); --json: T, cell, n, state, supplied (passed, diagnosis,
  quantities, ...) and passed, or with several files, files (each {{file, supplied}} or
  {{file, error}}) and passed."""


def add_grads_arguments(c, form):
    """--grads, --csv (in ``form``, the group exclusive with --json), --dtype, --probes, --seed."""
    c.add_argument("--grads", nargs="+", metavar="G",
                   help="check these gradients files (.json or .npz, below) against the "
                        "derivation instead of checking rnngrad; several files: one result "
                        "each (a folder of submissions: --grads DIR/*.json --csv)")
    form.add_argument("--csv", action="store_true", help="with --grads: one CSV row per "
                      "gradients file (columns below)")
    c.add_argument("--dtype", choices=("float64", "float32", "float16"),
                   help="with --grads: the precision your gradients were computed in, which "
                        "sets the rounding model of the tolerance (default: the arrays' own "
                        "dtype; .json files are float64)")
    c.add_argument("--probes", type=int, metavar="K",
                   help="with --grads: check K random projections u^T (ds_T/ds_0) v and "
                        "<grad L, v> instead of full Jacobians (default: full, unless the "
                        "cost estimate is above the threshold below)")
    c.add_argument("--seed", type=integer(0, MAX_SEED), metavar="S",
                   help="with --grads: seed of the random directions of the probes and of "
                        "the Taylor test (default 0)")


def refuse_grads_options_alone(args):
    """UsageError when an option of --grads is given without it."""
    if args.grads is None:
        given = [f"--{name}" for name in ("csv", "dtype", "probes", "seed")
                 if getattr(args, name) not in (None, False)]
        if given:
            raise UsageError(f"{given[0]} applies with --grads G (your gradients to check)")


def grads_help(codes):
    """The help text with ``codes`` ({code: one sentence}) listed, one wrapped entry each."""
    lines = [line for code, sentence in codes.items()
             for line in textwrap.wrap(f"{code}: {sentence}", 88, initial_indent="    ",
                                       subsequent_indent="        ")]
    columns = "\n    ".join(textwrap.wrap(", ".join(CSV_COLUMNS), 88, break_long_words=False))
    return GRADS_HELP.format(codes="\n".join(lines), columns=columns)
