"""The gradients-file part of ``rnngrad check --help``: the names and layouts --grads accepts,
how the tolerance is set, probes and their threshold, the diagnosis codes, the CSV columns and
the JSON object."""

import textwrap

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
  W_hh, W_xh, b_h   as W_hh..  dL/dW_hh, dL/dW_xh, dL/db_h (a case without "cell"; an elman
                               cell also takes them, for weight_hh, weight_ih, bias_ih)
  weight_hh, ...    as in the  dL/d(parameter) of a cell case, PyTorch's names and layouts
                    case       (stacked gate blocks in PyTorch's order)
  PARAM_GATE        n x ...    one gate's block of rows of a stacked parameter, e.g.
                               weight_hh_f (lstm gates i, f, g, o; gru r, z, n)
  grad_h0           n          dL/dh_0
  grad_c0           n          dL/dc_0 (lstm)
  loss              number     L itself
  delta             T x n      the backpropagated errors dL/dh_k, k = 1..T, one row per step
                               (lstm: also T x 2n, [dL/dh_k; dL/dc_k])
  jacobian_product  S x S      ds_T/ds_0 (S = n; lstm 2n, in the order [h; c])
  step_jacobians    T x S x S  ds_k/ds_(k-1), k = 1..T

  tolerance: from a rounding model of the same computation in your dtype (--dtype, else the
  arrays' own: unit roundoff float64 2^-53, float32 2^-24, float16 2^-11), so a correct
  float32 gradient does not fail; each row of the table names its source.  --rtol R replaces
  it by the relative tolerance R.
  probes: before a full check its cost (time and memory, from n, T and the quantities) is
  estimated; above the threshold, or with --probes K, K random projections are compared
  instead, u^T (ds_T/ds_0) v for the Jacobians and <grad L, v> for the gradients (directions
  drawn from --seed); the output says which was done and why.
  Taylor test: the remainder |L(theta + eps v) - L(theta) - eps <grad, v>| over a range of
  eps falls with slope 2 (log-log) for a right gradient and 1 for a wrong one; printed
  beside the verdict, n/a when your file has no complete parameter gradient.

  diagnosis codes (a wrong gradient is compared with the gradient each mistake produces;
  every match is reported, with one sentence):
{codes}

  output with --grads: a table per file (verdict, max abs and componentwise relative error,
  tolerance, the worst entry: index, time step, supplied and derived value; the diagnosis;
  the Taylor test); --csv: one row per file with the columns
    {columns}
  (verdict pass, FAIL or invalid); --json: T, cell, n, state, supplied (passed, diagnosis,
  quantities, ...) and passed, or with several files, files (each {{file, supplied}} or
  {{file, error}}) and passed."""


def grads_help(codes):
    """The help text with ``codes`` ({code: one sentence}) listed, one wrapped entry each."""
    width = max(len(code) for code in codes) + 2
    lines = []
    for code, sentence in codes.items():
        wrapped = textwrap.wrap(sentence, 92 - 4 - width)
        lines.append(f"    {code.ljust(width)}{wrapped[0]}")
        lines += [" " * (4 + width) + line for line in wrapped[1:]]
    columns = "\n    ".join(textwrap.wrap(",".join(CSV_COLUMNS), 88))
    return GRADS_HELP.format(codes="\n".join(lines), columns=columns)
