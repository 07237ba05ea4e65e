"""``rnngrad check``: a case file in, the forward pass, Jacobians, bounds and checks out
(a cell case: ``reports.cell_checking``).

The result holds: T, activation, h, step_jacobians, jacobian_product,
spectral_norm_W, gamma, bound, log10_norm_product, rate = log10_norm_product / T, the
predictability horizon of the case's own trajectory (horizon, reliable, trajectory_separation,
horizon_rule, horizon_note: ``numeric.case_horizon``), (with y) loss, grad_W_hh, grad_h0,
checks, product_by_differences (∂h_T/∂h_0 against central differences of h_0 ↦ h_T),
bound_check (the measured norm against the bound) and passed.
Quantities not representable in float64 are null, beside their log10 (grad_overflow: the
log10 max|entry| of each gradient whose exact value leaves float64's range).
"""

import math

import numpy as np

import numeric
from reports.case_files import MAX_CASE_BYTES, load_json


def parse_case_text(text, name="case file"):
    """A ``numeric.Case`` from the text of a case file; ValueError (one line, starting with
    ``name``) if malformed: invalid JSON, a repeated key, NaN/Infinity, wrong keys or shapes."""
    if len(text) > MAX_CASE_BYTES:
        raise ValueError(f"{name}: larger than {MAX_CASE_BYTES} bytes")
    return numeric.case_from_dict(load_json(text, name))


def check_case(case, rtol=None, progress=None):
    """Everything ``rnngrad check`` reports, as a JSON-ready dict (non-finite numbers: null).
    ValueError when the float64 forward pass itself overflows.  ``progress(done, total,
    what)``: passed to ``numeric.run_checks``."""
    from reports.cell_checking import check_cell_case

    run = check_cell_case if isinstance(case, numeric.CellCase) else _check_case
    with np.errstate(over="ignore", invalid="ignore"):
        result = run(case, rtol, progress)
    return _json_safe(result)


def _json_safe(value):
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


def _check_case(case, rtol, progress=None):
    path = case.trajectory()
    if not np.all(np.isfinite(path.a)):
        raise ValueError("the forward pass overflows float64 (a pre-activation reached inf); "
                         "scale W_hh, W_xh, b_h or x down")
    J = numeric.step_jacobians(case.activation, case.W_hh, path.a)
    product = numeric.jacobian_product(J)
    if np.any((J != 0) & (np.abs(J) < np.finfo(float).tiny)):  # subnormal J_k lost digits:
        product = numeric.product_along(case.activation, case.W_hh, path.a)  # Π D_k (W_hh P)
    sigma = float(np.linalg.norm(case.W_hh, 2))
    gamma = float(case.activation.gamma)
    log10_bound = case.T * math.log10(gamma * sigma) if gamma * sigma > 0 else -math.inf
    value = product.value
    result = {
        "T": case.T, "activation": case.activation.name,
        "h": path.h.tolist(), "step_jacobians": J.tolist(),
        "jacobian_product": None if value is None else value.tolist(),
        "spectral_norm_W": sigma, "gamma": gamma, "gamma_exact": str(case.activation.gamma),
        "gamma_method": case.activation.gamma_method,
        "bound": _finite_or_none(10.0**log10_bound if log10_bound < 308 else math.inf),
        "log10_bound": _finite_or_none(log10_bound),
        "log10_norm_product": _finite_or_none(product.log10_norm),
        "log10_norm_product_source": "float64",
    }
    if not math.isfinite(product.log10_norm):  # zero in float64: exact, underflow, cancellation?
        exact, source = numeric.zero_product_source(case)
        result["log10_norm_product"] = exact
        result["log10_norm_product_source"] = source
    if case.y is not None:
        grads = numeric.bptt(case.activation, case.W_hh, case.W_xh, case.b_h, case.h0, case.x,
                             case.y)
        result.update(loss=grads.loss, grad_W_hh=grads.W_hh.tolist(),
                      grad_h0=grads.h0.tolist(), grad_W_xh=grads.W_xh.tolist(),
                      grad_b_h=grads.b_h.tolist())
        if grads.overflow:  # entries beyond float64 (null in JSON): how large, as log10
            result["grad_overflow"] = {f"grad_{name}": value
                                       for name, value in grads.overflow.items()}
    return with_checks(case, rtol, result, progress)


def with_checks(case, rtol, result, progress=None):
    """``result`` with the predictability horizon, the rate, the checks and the verdict."""
    horizon = numeric.case_horizon(case, result["log10_norm_product"])
    result.update(horizon.to_dict())
    checks = numeric.run_checks(case, rtol, horizon, progress)
    result["checks"] = {name: report.to_dict() for name, report in checks.items()}
    result["passed"] = overall(checks)
    if not isinstance(case, numeric.CellCase):
        product = numeric.check_product_differences(
            case, numeric.TOLERANCES["central"] if rtol is None else rtol, horizon.beyond())
        result["product_by_differences"] = product.to_dict()
        result["passed"] = overall({**checks, "product": product})
    if "log10_bound" in result:   # the printed norm bound, checked like the others
        bound = numeric.bound_check(case, result["log10_norm_product"], result["log10_bound"],
                                    result["gamma"], result.get("bound_form",
                                                                "(gamma ||W_hh||_2)^T"))
        result["bound_check"] = bound
        if not bound["passed"]:
            result["passed"] = False
    return result


def overall(checks):
    """False when any check failed, None (n/a) when none could be performed, else True:
    a run that verified nothing is never reported as passed."""
    verdicts = [report.passed for report in checks.values()]
    if any(v is False for v in verdicts):
        return False
    return None if all(v is None for v in verdicts) else True


def _finite_or_none(value):
    return value if math.isfinite(value) else None


def _upper(result):
    """After γ in the table: nothing when γ is exact, else that it is a certified upper bound
    (the bound and its conditions stay true; only sufficient, never a tight claim)."""
    return "" if result["gamma_method"] == "exact" else "  (an upper bound of sup|phi'|)"


def render_table(result):
    """The readable form of a check result (no --json)."""
    if "cell" in result:
        from reports.cell_checking import render_cell_table

        return render_cell_table(result)
    rows = [f"rnngrad check: {result['activation']}, n = {len(result['h'][0])}, "
            f"T = {result['T']}",
            f"  ||W_hh||_2                 {result['spectral_norm_W']:.6g}",
            f"  gamma                      {result['gamma_exact']}{_upper(result)}",
            f"  log10 (gamma ||W||)^T      {_fmt(result['log10_bound'])}",
            f"  log10 ||dh_T/dh_0||_2      {_fmt(result['log10_norm_product'])}",
            *horizon_rows(result)]
    if "loss" in result:
        rows.append(f"  loss                       {_fmt(result['loss'])}")
        for name, log10 in result.get("grad_overflow", {}).items():
            rows.append(f"  {name} overflows float64: log10 max|entry| = {log10:.6g} "
                        "(entries shown as null in --json)")
    return "\n".join(rows + _check_rows(result)) + "\n"


def horizon_rows(result):
    """The rate (1/T) log10 of the product norm and the predictability horizon."""
    if result["horizon"] is not None:
        where = f"step {result['horizon']}"
        verdict = "reliable" if result["reliable"] else \
            "T is beyond it: the forward pass depends on the order of roundings there"
    else:
        where = "none within the T steps"
        verdict = "reliable (linear: its derivative does not depend on the trajectory)" \
            if result["horizon_note"].startswith("horizon: not estimated") else "reliable"
    return [f"  rate (1/T) log10 of it     {_fmt(result['rate'])}",
            f"  predictability horizon     {where}; {verdict}"]


def _check_rows(result):
    """The table of the checks, then the verdict line."""
    rows = [f"  {'method':<14}{'max rel error':>14}{'tolerance':>11}  result"]
    for name, check in result["checks"].items():
        verdict = {None: "n/a", True: "pass", False: "FAIL"}[check["passed"]]
        note = "; ".join(filter(None, (check["note"], check.get("tolerance_source"))))
        rows.append(f"  {name:<14}{_fmt(check['max_rel_error']):>14}"
                    f"{check['tolerance']:>11.0e}  {verdict}" + (f"  ({note})" if note else ""))
    if "product_by_differences" in result:
        check = result["product_by_differences"]
        verdict = {None: "n/a", True: "pass", False: "FAIL"}[check["passed"]]
        rows.append(f"  {'dh_T/dh_0':<14}{_fmt(check['max_rel_error']):>14}"
                    f"{check['tolerance']:>11.0e}  {verdict}  ({check['note']})")
    if "bound_check" in result:
        bound = result["bound_check"]
        excess = "-" if bound["excess"] is None else f"{bound['excess']:+.3g}"
        rows.append(f"  {'norm bound':<14}{excess:>14}{bound['tolerance']:>11.0e}  "
                    f"{'pass' if bound['passed'] else 'FAIL'}  (bound "
                    f"{'holds' if bound['passed'] else 'VIOLATED'}: {bound['note']}; "
                    f"error column: log10 measured - log10 bound; {bound['rule']})")
    rows.append(_verdict(result))
    return rows


def _verdict(result):
    """The last line: FAILED, nothing performed, or passed naming the checks not performed."""
    bound = result.get("bound_check", {})
    if bound.get("passed") is False:
        by = "" if bound["excess"] is None else f" by {bound['excess']:.3g} in log10"
        return (f"the norm bound is VIOLATED: the measured norm exceeds the printed bound "
                f"{result.get('bound_form', '(gamma ||W_hh||_2)^T')}{by}; gamma or the bound "
                "is wrong (exit status 1)")
    if result["passed"] is False:
        return "a check FAILED"
    if result["passed"] is None:
        return ("no check could be performed (n/a: see each note); nothing was verified, "
                "exit status 1")
    skipped = [name for name, check in result["checks"].items() if check["passed"] is None]
    if not skipped:
        return "all checks passed"
    return f"every check performed passed; not performed (n/a): {', '.join(skipped)}"


def _fmt(value):
    return "-" if value is None else f"{value:.3g}"
