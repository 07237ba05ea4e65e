"""``rnngrad check``: a case file's own checks (differences, complex step, mpmath), or with
``--grads`` the user's gradients against the derivation (``reports.supplied_run``).

    rnngrad check CASE.json [--json] [--rtol R]
    rnngrad check CASE.json --grads G [G ...] [--json | --csv] [--dtype D] [--probes K]
                  [--seed S] [--rtol R]
"""

import argparse
import json
import math
import sys

import derive
from reports.cli_support import CHECK_DESCRIPTION, UsageError, check_epilog
from reports.grads_cli import add_grads_arguments, refuse_grads_options_alone

ESTIMATE_LINE_S = 5.0    # a check estimated longer says so on stderr and shows its progress
PROGRESS_DELAY_S = 3.0   # progress lines on stderr only once such a check has run this long


def add_check_parser(commands):
    """The ``check`` subcommand; its epilog (case formats, names, diagnosis codes) is built only
    when the help is shown, so start-up imports no numeric code."""
    c = commands.add_parser("check", help="check a concrete case's Jacobians and gradients "
                            "against differences, complex step and mpmath, or check your own "
                            "gradients (--grads) against the derivation",
                            description=CHECK_DESCRIPTION,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    c.lazy_epilog = _check_epilog
    c.set_defaults(run=run_check)
    c.add_argument("case", metavar="CASE.json",
                   help="the case file (format below)")
    form = c.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print one JSON object")
    c.add_argument("--rtol", type=float, metavar="R",
                   help="override every check's tolerance (--rtol 1e-30 makes them fail); "
                        "with --grads: allowed = R (|derived| + 1e-3 max|derived|)")
    c.add_argument("--force", action="store_true",
                   help="run a check estimated to take longer than a minute (without it such "
                        "a case is refused with the estimate; rnngrad check costs about "
                        "T (2.4e-3 + 4e-4 n^2 + 1.3e-5 n^3) + 2.4e-5 n^3 seconds, a cell "
                        "case more for its state size S = parts n and its parameters); past "
                        "a few seconds the checks show their progress on stderr")
    add_grads_arguments(c, form)
    return c


def _check_epilog():
    import numeric

    return check_epilog(derive.activation_names(), numeric.DIAGNOSIS_CODES)


def _within_budget(case, force):
    """UsageError when the check of a case (a cell case too) is estimated beyond
    numeric.CHECK_BUDGET_S and --force is not given; a line on stderr before any check
    estimated over ESTIMATE_LINE_S seconds, and then True (show its progress)."""
    import numeric

    seconds = numeric.case_check_seconds(case)
    if isinstance(case, numeric.CellCase):
        S = len(case.state_names) * case.hidden
        size = f"cell {case.kind.name}, n = {case.hidden}, S = {S}, T = {case.T}"
    else:
        size = f"n = {case.W_hh.shape[0]}, T = {case.T}"
    estimate = f"about {_duration(seconds)} ({size})"
    long = seconds > ESTIMATE_LINE_S
    if seconds > numeric.CHECK_BUDGET_S and not force:
        raise UsageError(f"the checks would take {estimate}, beyond "
                         f"{numeric.CHECK_BUDGET_S:.0f} s; add --force to run it anyway")
    if long:
        print(f"rnngrad check: the checks take {estimate}", file=sys.stderr, flush=True)
    return long


def _duration(seconds):
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.0f} hours"


def run_check(args):
    from reports.case_files import read_limited

    if args.rtol is not None and not (args.rtol > 0 and math.isfinite(args.rtol)):
        raise UsageError(f"--rtol must be a positive number, got {args.rtol}")
    refuse_grads_options_alone(args)
    text = read_limited(args.case, "case file")   # refused (a FIFO, /dev/zero) before NumPy loads
    from reports.checking import check_case, parse_case_text, render_table

    if args.grads is not None:
        from reports.supplied_run import run_supplied

        return run_supplied(args, parse_case_text(text, args.case))
    case = parse_case_text(text, args.case)
    long = _within_budget(case, args.force)
    from reports.progress import Progress

    # on stderr, never on stdout (the table or the JSON): for a check estimated long (its
    # estimate printed) once it has run PROGRESS_DELAY_S; a short one stays silent however
    # loaded the machine
    progress = Progress("rnngrad check", delay=PROGRESS_DELAY_S) if long else None
    result = check_case(case, args.rtol, progress)
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2, sort_keys=True, allow_nan=False) + "\n")
    else:
        sys.stdout.write(render_table(result))
    return 0 if result["passed"] else 1
