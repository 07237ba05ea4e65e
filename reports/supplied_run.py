"""``rnngrad check CASE.json --grads G [G ...]``: each gradients file read
(``reports.grads_files``), checked against the derivation (``numeric.check_gradients``) and
printed (``reports.supplied_text``).

Exit status: 0 every file's gradients right, 1 one is wrong, 2 bad input.  One file that cannot
be read or checked is the usual one-line error (exit 2); among several, each such file is a
result "invalid" with its reason, and the exit status is 2 when any was invalid, else 1 when
any was wrong.
"""

import sys

import numeric
from reports import supplied_text
from reports.cli_support import UsageError
from reports.grads_files import read_grads


def run_supplied(args, case):
    """Check every file of ``args.grads`` against ``case``; print; return the exit status."""
    _validate(args, case)
    results = [(file, _check_file(args, case, file, single=len(args.grads) == 1))
               for file in args.grads]
    summary = supplied_text.case_summary(case)
    if args.json:
        sys.stdout.write(supplied_text.render_json(summary, results))
    elif args.csv:
        sys.stdout.write(supplied_text.render_csv(results))
    else:
        sys.stdout.write("\n".join(
            supplied_text.render_invalid(file, r) if isinstance(r, str)
            else supplied_text.render_table(summary, r, file, args.dtype is not None)
            for file, r in results))
    return exit_status(result for _, result in results)


def exit_status(results):
    """2 if any result is invalid (a str), else 1 if any check failed, else 0."""
    results = list(results)
    if any(isinstance(r, str) for r in results):
        return 2
    return 0 if all(r.passed for r in results) else 1


def _validate(args, case):
    if args.probes is not None and args.probes < 1:
        raise UsageError(f"--probes must be a positive number of projections, got {args.probes}")
    if getattr(case, "y", None) is None:
        raise UsageError("the case has no target y, so no loss L = 1/2 ||h_T - y||^2 to "
                         "differentiate: add \"y\" to the case file")


def _check_file(args, case, file, single):
    """The file's SuppliedCheck, or (several files) the one-line reason it is invalid (without
    the file's name, which the output gives beside it)."""
    try:
        supplied = read_grads(file)
        return numeric.check_gradients(case, supplied, dtype=args.dtype, rtol=args.rtol,
                                       probes=args.probes,
                                       seed=0 if args.seed is None else args.seed)
    except ValueError as err:
        reason = str(err).splitlines()[0] if str(err) else "invalid gradients"
        reason = reason.removeprefix(f"{file}: ")
        if single:
            raise UsageError(f"{file}: {reason}") from None
        return reason
