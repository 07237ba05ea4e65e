"""The output of ``rnngrad check CASE.json --grads G ...``: a table, CSV rows or one JSON object
from ``numeric.check_gradients``' results (``SuppliedCheck``), one per gradients file.

A file's result is a ``SuppliedCheck`` or, when the file could not be checked, the one-line
reason (a str).  Every function here is pure: it returns text.
"""

import csv
import io
import json
import math
import textwrap

SELF_CHECKS_NOTE = ("rnngrad's own checks (differences, complex step, mpmath): not run with "
                    "--grads (they check rnngrad)")
WIDTH = 96
CSV_COLUMNS = ("file", "verdict", "diagnosis", "worst_quantity", "index", "time_step",
               "supplied", "derived", "max_rel_error", "finding")


def case_summary(case):
    """T, cell ("elman (legacy case)" for a file without "cell"), hidden size n and state."""
    if hasattr(case, "kind"):
        return {"T": case.T, "cell": case.kind.name, "n": case.hidden,
                "state": list(case.kind.state)}
    return {"T": case.T, "cell": "elman (legacy case)", "n": int(case.W_hh.shape[0]),
            "state": ["h"]}


def verdict(result):
    """pass, FAIL or invalid (the file could not be checked)."""
    if isinstance(result, str):
        return "invalid"
    return "pass" if result.passed else "FAIL"


def worst_quantity(check):
    """The quantity to show first: the failed one with the largest relative error, else the
    one with the largest relative error; None when nothing was compared."""
    pool = [q for q in check.quantities if not q.passed] or list(check.quantities)
    if not pool:
        return None
    return max(pool, key=lambda q: _sortable(q.max_rel_error))


def first_sentence(check):
    """The first finding's sentence, else the localisation's, else ''."""
    if check.findings:
        return check.findings[0].sentence
    if check.localisation is not None:
        return check.localisation.sentence
    return ""


# --- table ---------------------------------------------------------------------------------------

def render_table(summary, check, file, dtype_given):
    """The table of one gradients file: header, one row per quantity, tolerance footnotes,
    the diagnosis (or localisation), the Taylor line and the verdict."""
    dtype_from = "given by --dtype" if dtype_given else "inferred from the arrays"
    lines = [f"rnngrad check: {summary['cell']} cell, n = {summary['n']}, T = {summary['T']}, "
             f"state {', '.join(summary['state'])}",
             f"  gradients: {file}, dtype {check.dtype} ({dtype_from})",
             *_mode_lines(check),
             f"  {SELF_CHECKS_NOTE}"]
    sources = []
    rows = [("quantity", "result", "max abs err", "max rel err", "tolerance", "worst index",
             "step", "supplied", "derived")]
    for q in check.quantities:
        if q.tolerance_source not in sources:
            sources.append(q.tolerance_source)
        rows.append(_quantity_row(q, sources.index(q.tolerance_source) + 1,
                                  probes=check.mode == "probes"))
    lines += ["  " + line for line in _columns(rows)]
    for i, source in enumerate(sources, 1):
        lines += textwrap.wrap(f"[{i}] tolerance: {source}", WIDTH, initial_indent="  ",
                               subsequent_indent="      ")
    lines += _diagnosis_lines(check)
    lines.append(_taylor_line(check))
    lines.append(_verdict_line(check))
    return "\n".join(lines) + "\n"


def _mode_lines(check):
    """The mode and why, then the cost estimate (when the reason does not already give it)."""
    text = f"mode: {check.mode}" + (f" ({check.mode_reason})" if check.mode_reason else "")
    cost = getattr(check.cost, "text", None)
    if cost and cost not in check.mode_reason:
        text += f"; {cost}"
    return textwrap.wrap(text, WIDTH, initial_indent="  ", subsequent_indent="    ")


def _quantity_row(q, footnote, probes):
    worst = q.worst or {}
    index = worst.get("index")
    if probes and index and tuple(q.shape):
        index = f"probe {index[0]}"
    else:
        index = _index_text(index) if tuple(q.shape) else "-"
    step = worst.get("time_step")
    supplied, derived = _pair(worst.get("supplied"), worst.get("derived"))
    return (q.name, "pass" if q.passed else "FAIL", num(q.max_abs_error), num(q.max_rel_error),
            f"{num(q.tolerance)} [{footnote}]", index,
            "-" if step is None else str(step), supplied, derived)


def _diagnosis_lines(check):
    if check.findings:
        return ["diagnosis:"] + [line for f in check.findings for line in textwrap.wrap(
            f"{f.code}: {f.sentence}", WIDTH, initial_indent="  ", subsequent_indent="    ")]
    if check.passed:
        return []
    if getattr(check, "diagnosis_note", ""):
        return textwrap.wrap(f"diagnosis: {check.diagnosis_note}", WIDTH,
                             subsequent_indent="    ")
    if check.localisation is not None:
        return ["diagnosis: none of the known mistakes matches", *textwrap.wrap(
            f"where: {check.localisation.sentence}", WIDTH, initial_indent="  ",
            subsequent_indent="    ")]
    return ["diagnosis: none of the known mistakes matches, and no time step could be singled "
            "out"]


def _taylor_line(check):
    taylor = check.taylor
    if taylor is None:
        note = getattr(check, "taylor_note", "") or "not run"
        return f"Taylor test: n/a ({note.removeprefix('no Taylor test: ')})"
    slopes = ", ".join("-" if s is None else f"{s:.2f}" for s in taylor.slopes)
    result = "pass" if taylor.passed else "FAIL"
    return (f"Taylor test: slopes {slopes} (2 for a right gradient, 1 for a wrong one): "
            f"{result}")


def _verdict_line(check):
    if check.passed:
        return "supplied gradients: all right"
    wrong = [q.name for q in check.quantities if not q.passed]
    return f"supplied gradients: WRONG ({', '.join(wrong) or 'see the diagnosis'})"


def _columns(rows):
    """Rows of strings as left-aligned columns, two spaces apart, no trailing blanks."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            .rstrip() for row in rows]


def render_invalid(file, reason):
    """The table form of a file that could not be checked (several files)."""
    return "\n".join(textwrap.wrap(f"{file}: invalid: {reason}", WIDTH,
                                   subsequent_indent="  ")) + "\n"


def render_summary(results):
    """The last line of several files' tables: how many were right, wrong and invalid."""
    counts = [verdict(r) for _, r in results]
    return (f"{len(counts)} files: {counts.count('pass')} right, {counts.count('FAIL')} "
            f"wrong, {counts.count('invalid')} invalid\n")


# --- numbers -------------------------------------------------------------------------------------

def num(value, digits=3):
    """A number in ``digits`` significant digits ('inf', '-inf', 'nan' as Python writes them);
    None as '-'.

    >>> num(1.23456e-9), num(None), num(float("-inf"))
    ('1.23e-09', '-', '-inf')
    """
    return "-" if value is None else f"{float(value):.{digits}g}"


def _pair(supplied, derived):
    """Supplied and derived value with just enough digits (3 to 10) to tell them apart."""
    if supplied is None or derived is None:
        return num(supplied), num(derived)
    for digits in range(3, 11):
        a, b = num(supplied, digits), num(derived, digits)
        if a != b:
            return a, b
    return num(supplied), num(derived)


def _index_text(index):
    if index is None:
        return "-"
    index = list(index)
    return "(" + ", ".join(str(int(i)) for i in index) + ")" if index else "-"


def _sortable(value):
    return -math.inf if value is None or math.isnan(value) else value


# --- CSV and JSON --------------------------------------------------------------------------------

def render_csv(results):
    """One row per file: ``results`` a list of (file, SuppliedCheck | reason)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for file, result in results:
        writer.writerow(_csv_row(file, result))
    return out.getvalue()


def _csv_row(file, result):
    if isinstance(result, str):
        return (file, "invalid", "", "", "", "", "", "", "", result)
    q = worst_quantity(result)
    worst = (q.worst or {}) if q else {}
    step = worst.get("time_step")
    return (file, verdict(result), " ".join(result.diagnosis), q.name if q else "",
            _index_text(worst.get("index")) if q else "", "" if step is None else step,
            _csv_num(worst.get("supplied")), _csv_num(worst.get("derived")),
            _csv_num(q.max_rel_error if q else None), first_sentence(result))


def _csv_num(value):
    return "" if value is None else repr(float(value))


def render_json(summary, results):
    """One object: the case summary, then ``supplied`` and ``passed`` (one file) or ``files``
    (a list of {file, supplied} or {file, error}) and ``passed`` (several)."""
    if len(results) == 1 and not isinstance(results[0][1], str):
        body = {"supplied": results[0][1].to_dict(), "passed": bool(results[0][1].passed)}
    else:
        files = [{"file": file, "error": r} if isinstance(r, str)
                 else {"file": file, "supplied": r.to_dict()} for file, r in results]
        body = {"files": files,
                "passed": all(not isinstance(r, str) and r.passed for _, r in results)}
    return json.dumps({**summary, **body}, indent=2, sort_keys=True, allow_nan=False) + "\n"
