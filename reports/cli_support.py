"""What the modules of the ``rnngrad`` command line share: ``UsageError``, the version, and the
texts longer than one line (the case-file format of ``rnngrad check --help``, the exit
statuses).  Every text here is shown to the user, so it points to no file the user lacks.
"""

import argparse
import re
import textwrap
import tomllib
from fractions import Fraction
from importlib import metadata
from pathlib import Path


class UsageError(Exception):
    """Bad input: reported in one line on stderr, exit status 2."""


MAX_SEED = 2**63 - 1       # NumPy and PyTorch seeds: 0 .. 2^63 - 1
MAX_SIGNIFICANT = 50       # significant digits of an exact decimal (--alpha)
MAX_EXPONENT = 400         # |exponent| of an exact decimal: 1e100000000 would be 10^8 digits
_DECIMAL = re.compile(r"\s*[-+]?(\d*)\.?(\d*)(?:[eE]([-+]?\d+))?\s*")


def integer(low, high):
    """An argparse ``type``: an int in [low, high], read without converting more digits than
    ``high`` has; otherwise argparse's one-line error naming the option.

    >>> integer(1, 100)("12")
    12
    """
    def parse(text):
        digits = text.strip().lstrip("+-")
        if len(digits) > len(str(high)) + 1:
            raise argparse.ArgumentTypeError(
                f"{text.strip()[:12]}... has {len(digits)} digits; must be from {low:,} to "
                f"{high:,}")
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}, got {value:,}")
        return value
    return parse


def exact_decimal(text, option):
    """``text`` (a decimal such as 0.1 or 2.5e-3, or a fraction such as 1/10) as a Fraction,
    UsageError naming ``option`` when it is not one, or has more than ``MAX_SIGNIFICANT``
    digits or an exponent beyond ±``MAX_EXPONENT`` (exact parsing of 1e100000000 would build
    a 10^8-digit integer).

    >>> exact_decimal("2.5e-1", "--alpha"), exact_decimal("1/10", "--alpha")
    (Fraction(1, 4), Fraction(1, 10))
    """
    parts = text.split("/")
    if len(parts) > 2:
        raise UsageError(f"{option} must be a decimal or a fraction such as 0.1 or 1/10, "
                         f"got {text[:40]!r}")
    for part in parts:
        match = _DECIMAL.fullmatch(part)
        if match is None or not (match[1] or match[2]):
            raise UsageError(f"{option} must be a decimal or a fraction such as 0.1 or 1/10, "
                             f"got {text[:40]!r}")
        if len((match[1] + match[2]).lstrip("0")) > MAX_SIGNIFICANT:
            raise UsageError(f"{option} has more than {MAX_SIGNIFICANT} significant digits")
        if match[3] and (len(match[3]) > 6 or abs(int(match[3])) > MAX_EXPONENT):
            raise UsageError(f"{option}: exponent {match[3][:12]} is beyond "
                             f"±{MAX_EXPONENT}")
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise UsageError(f"{option} must be a decimal or a fraction such as 0.1 or 1/10, "
                         f"got {text[:40]!r}") from None


MAIN_EPILOG = """\
Run 'rnngrad COMMAND --help' for the options of a command.

exit status: 0 success, 1 a failed check or a PDF that was asked for and not built,
2 bad input (one line on stderr), 130 interrupted (Ctrl-C)"""

CHECK_DESCRIPTION = """\
Run the RNN of CASE.json forward, h_t = phi(W_hh h_(t-1) + W_xh x_t + b_h) for t = 1..T,
and print h, the step Jacobians J_t = diag(phi'(a_t)) W_hh, their product dh_T/dh_0, the bound
(gamma ||W_hh||_2)^T and, when the case has a target y, the loss and its gradients.
What each method compares:
  central, richardson  differences: every entry of each J_t (the one-step map at the stored
                       h_(t-1)) and, with y, every entry of dL/dW_hh (the loss recomputed)
  complex_step         (analytic phi) the same quantities, each normwise and every J_t entry
                       by entry
  mpmath               a 50-digit forward pass and derivatives: h, every J_t, dh_T/dh_0 and
                       dL/dW_hh, each normwise and entry by entry
  dh_T/dh_0            every column against central differences of h_0 -> h_T
  bound                the measured log10 ||dh_T/dh_0||_2 against log10 (gamma ||W_hh||_2)^T
                       (a failure when the measured norm exceeds the bound)
dL/dh_0, dL/dW_xh and dL/db_h are printed, not compared.  Entry by entry, an entry whose
true value is a normal number is judged against its own size (one that is 0 in float64
but not in truth fails); an entry below a method's rounding floor is not judged.  A note
tells an underflow of phi' (true value below float64's normal range) from a cancellation
(true value normal, float64 lost its digits).  With a "cell" key the case is an Elman,
LSTM, GRU or IndRNN cell in PyTorch's layout (below): the four methods for its state s
and ds_T/ds_0 (differences: each J_t and, with y, every gradient, entry by entry; complex
step: the same, normwise; mpmath: also the states and ds_T/ds_0, normwise, and every J_t
entry by entry; no dh_T/dh_0 or bound line).
The check also estimates the forward pass's predictability horizon (a twin run started a
few roundings away) and prints the rate (1/T) log10 ||ds_T/ds_0||_2: when T is beyond the
horizon the trajectory depends on the order of roundings, and the comparisons that
recompute the whole forward pass (differences and complex step of the loss, differences of
h_0 -> h_T, mpmath) are n/a.
Before the horizon the complex step of the loss and mpmath get their tolerance widened to 100
times the twin run's separation (less its start), since the trajectory amplifies their
roundings too (JSON: trajectory_separation).

With --grads G the direction is reversed: G holds YOUR gradients of the case's loss (a
hand-written BPTT, a custom kernel, an assignment), and each is compared with the derived one,
entry by entry, against a tolerance from the rounding of your dtype.  A wrong gradient is
tested against the gradients that the well-known mistakes produce (the diagnosis codes below),
and when none matches, the first time step where yours departs is named.  rnngrad's own checks
(differences, complex step, mpmath) are not run then: they verify rnngrad, not your gradient."""

CHECK_EPILOG = """\
case file: one JSON object, for example (n = 2 hidden units, m = 1 input, T = 3 steps)

  {"activation": "tanh",
   "W_hh": [[0.5, -0.3], [0.2, 0.9]],
   "W_xh": [[1.0], [0.5]],
   "b_h": [0.1, -0.2],
   "h0": [0.3, -0.1],
   "x": [[0.2], [0.7], [-0.4]],
   "y": [0.0, 0.5]}

  key         shape          required  meaning
  activation  string         yes       a registered name ({names})
                                       or a formula in one variable, e.g. "x/(1+Abs(x))"
  alpha       number         no        alpha of leaky_relu (default 1/100) or elu (default 1)
  W_hh        n x n          yes       recurrent weights; n is the hidden size
  W_xh        n x m          yes       input weights; m is the input size
  b_h         n              no        bias (default zeros)
  h0          n              no        initial state h_0 (default zeros)
  x           T x m          yes       inputs x_1 .. x_T, one row per step; T = number of rows
  y           n, or T x n    no        target; loss L = 1/2 ||h_T - y||^2 (shape n), or
                                       L = 1/2 sum_t ||h_t - y_t||^2 (shape T x n);
                                       without y there is no loss and no gradient check of L

  Numbers are JSON numbers (finite); vectors are lists, matrices lists of rows.
  Unknown keys are refused.

output: a table, or with --json one object with T, activation, h, step_jacobians,
jacobian_product, spectral_norm_W, gamma, bound, log10_norm_product, (with y) loss, grad_W_hh,
grad_W_xh, grad_b_h, grad_h0, checks (per method: max_rel_error, componentwise_rel_error,
tolerance, tolerance_source, passed, note), product_by_differences, bound_check (passed,
log10_measured, log10_bound, excess, tolerance, note) and passed.  Numbers beyond float64 are
null, beside their log10.

exit status: 0 every check performed passed, 1 a check failed or none could be performed,
2 bad input (one line on stderr).  With --grads: 0 every file's gradients are right, 1 one
is wrong, 2 bad input (one file: one line on stderr; several: each bad file is a result
"invalid" with its reason, and the status is 2 when any was invalid)"""


def check_epilog(names, codes):
    """The case-file formats (without and with a cell), listing the activation ``names``, then
    the gradients files of --grads with the diagnosis ``codes`` ({code: sentence})."""
    from reports.cell_help import CELL_CASE_HELP
    from reports.grads_cli import grads_help

    head, _, tail = CHECK_EPILOG.replace("{names}", _wrap_names(names)).rpartition("\n\n")
    return f"{head}\n\n{CELL_CASE_HELP}\n\n{grads_help(codes)}\n\n{tail}"


def _wrap_names(names, width=49, indent=" " * 39):
    return f"\n{indent}".join(textwrap.wrap(", ".join(names), width))


def version():
    """rnngrad's version: the installed distribution's, else the one in pyproject.toml."""
    try:
        return metadata.version("rnngrad")
    except metadata.PackageNotFoundError:
        return _pyproject_version()


def _pyproject_version():
    path = Path(__file__).resolve().parents[1] / "pyproject.toml"
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
