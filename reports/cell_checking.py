"""``rnngrad check`` for a cell case (a file with a "cell" key): the forward pass, the step
Jacobians ∂s_k/∂s_{k−1} and their product ∂s_T/∂s_0 in state order (s = [h; c] for the LSTM),
with y the loss L = ½‖h_T − y‖² and its gradients keyed by PyTorch's parameter names, and the
four checks; for an Elman or IndRNN cell also the norm bound (γ g)^T, checked like them.
Quantities not representable in float64 are null, beside their log10.
"""

import math

import numpy as np

import numeric


def check_cell_case(case, rtol, progress=None):
    """Everything ``rnngrad check`` reports for a ``numeric.CellCase``, as a dict (NumPy
    values as lists; the caller maps non-finite floats to null); ``progress``: passed to
    ``numeric.run_checks``."""
    path = case.trajectory()
    states = np.array(path.states)
    channels = np.array([np.array(L) for L in path.channels])
    if not (np.all(np.isfinite(states)) and np.all(np.isfinite(channels))):
        raise ValueError("the forward pass overflows float64 (a state or gate input reached "
                         "inf); scale the weights or x down")
    n, parts = case.hidden, case.state_names
    J = case.step_jacobians()
    product = case.jacobian_product()
    value = product.value
    result = {
        "cell": case.kind.name, "state": list(parts), "T": case.T, "n": n,
        "m": int(case.x.shape[1]),
        "activation": None if case.activation is None else case.activation.name,
        **{part: states[:, p * n:(p + 1) * n].tolist() for p, part in enumerate(parts)},
        "step_jacobians": J.tolist(),
        "jacobian_product": None if value is None else value.tolist(),
        "log10_norm_product": product.log10_norm,
        "log10_norm_product_source": "float64",
    }
    result.update(_bound(case))
    if case.y is not None:
        result.update(_gradients(case))
    from reports.checking import with_checks

    return with_checks(case, rtol, result, progress)


def _bound(case):
    """gamma, log10_bound and bound_form of an Elman or IndRNN cell (its step Jacobian is
    diag(φ'(a_k)) times a fixed matrix, so ‖∂h_T/∂h_0‖₂ ≤ (γ g)^T); {} for gated cells."""
    bound = numeric.cell_bound(case)
    if bound is None:
        return {}
    gamma, gain, form = bound
    log10 = case.T * math.log10(gamma * gain) if gamma * gain > 0 else None
    return {"gamma": gamma, "gamma_exact": str(case.activation.gamma),
            "gamma_method": case.activation.gamma_method, "log10_bound": log10,
            "bound_form": form}


def _gradients(case):
    """loss, grads (PyTorch's names and shapes), grad_h0 (grad_c0), elman's grad_W_hh."""
    grads, n = case.gradients(), case.hidden
    out = {"loss": grads.loss,
           "grads": {name: value.tolist() for name, value in grads.params.items()}}
    for p, part in enumerate(case.state_names):
        out[f"grad_{part}0"] = grads.state0[p * n:(p + 1) * n].tolist()
    if case.kind.name == "elman":
        out["grad_W_hh"] = out["grads"]["weight_hh"]
    if grads.overflow:  # entries beyond float64 (null in JSON): how large, as log10
        out["grad_overflow"] = {("grad_s0" if name == "state0" else name): value
                                for name, value in grads.overflow.items()}
    return out


def render_cell_table(result):
    """The readable form of a cell check result (no --json); the table of the checks and the
    verdict line as for the format without a cell."""
    from reports.checking import _check_rows, _fmt, horizon_rows

    parts = result["state"]
    state = parts[0] if len(parts) == 1 else f"[{'; '.join(parts)}]"
    act = "" if result["activation"] is None else f", activation {result['activation']}"
    rows = [f"rnngrad check: cell {result['cell']}{act}, n = {result['n']}, "
            f"m = {result['m']}, T = {result['T']}",
            f"  state s = {state} (state order {', '.join(parts)}; "
            f"S = {len(parts) * result['n']})",
            f"  h_T                        {_vector(result['h'][-1])}",
            *([f"  log10 {result['bound_form']:<21}{_fmt(result['log10_bound'])}"]
              if "bound_form" in result else []),
            f"  log10 ||ds_T/ds_0||_2      {_fmt(result['log10_norm_product'])}",
            *horizon_rows(result),
            "  ds_T/ds_0, rows and columns in state order:"]
    product = result["jacobian_product"]
    if product is None:
        rows.append("    not representable in float64 (its log10 norm is above)")
    else:
        rows += [f"    {_vector(row)}" for row in product]
    if "loss" in result:
        rows.append(f"  loss                       {_fmt(result['loss'])}")
        for part in parts:
            rows.append(f"  dL/d{part}_0{' ' * 20}{_vector(result[f'grad_{part}0'])}")
        for name, log10 in result.get("grad_overflow", {}).items():
            name = "dL/ds_0" if name == "grad_s0" else f"dL/d{name}"
            rows.append(f"  {name} overflows float64: log10 max|entry| = {log10:.6g} "
                        "(entries shown as null in --json)")
    return "\n".join(rows + _check_rows(result)) + "\n"


def _vector(values):
    return "[" + "  ".join(f"{v: .6e}" if v is not None else " null" for v in values) + "]"

