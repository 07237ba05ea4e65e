"""The derived value of every quantity a user may supply (``numeric.supplied_names``), float64,
from one BPTT (``numeric.backward``) and, when asked for, the step Jacobians and their product.

    g_k = ∂L/∂s_k (``delta``: the hidden part, k = 1..T),  ∂L/∂θ = Σ_k (local terms at step k)
    J_k = ∂s_k/∂s_{k−1} (``step_jacobians``),  ∂s_T/∂s_0 = J_T ⋯ J_1 (``jacobian_product``)

A legacy ``Case``'s Jacobians come from ``numeric.rnn`` (J_k = diag(φ'(a_k)) W_hh), a cell's from
``numeric.cells``; ``perturb`` (a callable array → array) rounds every stored value, as
``numeric.backward`` does, for the rounding model of a lower precision.
"""

import numpy as np

from numeric import cells, rnn
from numeric.backward import backward
from numeric.case import Case
from numeric.supplied_names import STATE_QUANTITIES, block_rows, expected, sizes

PROBES_HINT = "check it by random projections instead (probes=K, or --probes K)"


def derived_quantities(case, names, *, perturb=None):
    """name → float64 ndarray for every canonical name in ``names``, each the shape
    ``numeric.supplied_names.expected`` gives; ValueError when ∂s_T/∂s_0 has entries beyond
    float64's range (then the full matrix cannot be compared: use probes).  Entries below it
    are float64's own values (0 or subnormal), as a float64 computation gives them."""
    names = tuple(names)
    unknown = [name for name in names if name not in expected(case)]
    if unknown:
        raise ValueError(f"unknown quantity {unknown[0]!r}")
    out = {}
    if any(name not in ("jacobian_product", "step_jacobians") for name in names):
        out.update(quantities_from_backward(case, names, backward(case, perturb=perturb)))
    if "step_jacobians" in names:
        out["step_jacobians"] = _step_jacobians(case, perturb)
    if "jacobian_product" in names:
        out["jacobian_product"] = _product(case, perturb)
    for name in names:
        if perturb is None and not np.all(np.isfinite(out[name])):
            raise ValueError(f"the derived {name} has entries beyond float64's range (g_k = "
                             "dL/dh_k overflows going back in time), so a float64 gradient "
                             "cannot be compared with it; rnngrad check CASE.json without "
                             "--grads gives its log10")
    return {name: np.asarray(out[name], dtype=np.float64) for name in names}


def quantities_from_backward(case, names, result):
    """name → array for every name in ``names`` that a ``numeric.backward.Backward`` holds
    (parameters under the case's own or PyTorch names, gate blocks, grad_h0, grad_c0, loss,
    delta, delta_state), read from ``result`` as they are, whatever it carries (a gradient,
    or an entrywise spread of one); the Jacobians are left out."""
    n = sizes(case)[0]
    params = dict(result.params)
    if isinstance(case, Case):
        params["bias_hh"] = params["b_h"]
    out = {}
    for name in names:
        if name in params:
            out[name] = params[name]
        elif name == "grad_h0":
            out[name] = result.state0[:n]
        elif name == "grad_c0":
            out[name] = result.state0[n:2 * n]
        elif name == "loss":
            out[name] = np.float64(result.loss)
        elif name == "delta":
            out[name] = result.delta[:, :n]
        elif name == "delta_state":
            out[name] = result.delta
        elif name not in STATE_QUANTITIES:
            base, rows = block_rows(case, name)  # rows of gate g of a stacked gradient
            out[name] = params[base][rows]
    return out


def _rounded(perturb):
    return perturb if perturb is not None else (lambda value: value)


def _step_jacobians(case, perturb):
    """J_k for k = 1..T, (T, S, S)."""
    p = _rounded(perturb)
    if isinstance(case, Case):
        W_hh = p(case.W_hh)
        path = rnn.forward(case.activation, W_hh, p(case.W_xh), p(case.b_h), p(case.h0),
                           p(case.x))
        return p(rnn.step_jacobians(case.activation, W_hh, p(path.a)))
    params = {name: p(value) for name, value in case.params.items()}
    path = cells.forward(case.kind, case.activation, params, p(case.s0), p(case.x))
    return p(cells.step_jacobians(case.kind, case.activation, params, path))


def _product(case, perturb):
    """∂s_T/∂s_0 as a plain float64 matrix; ValueError when it is not representable."""
    if perturb is not None:
        P = np.eye(sizes(case)[3])
        for J in _step_jacobians(case, perturb):
            P = perturb(J @ P)
        return P
    if isinstance(case, Case):
        product = rnn.product_along(case.activation, case.W_hh, case.trajectory().a)
    else:
        product = case.jacobian_product()
    with np.errstate(over="ignore", under="ignore"):
        value = np.ldexp(product.mantissa, product.exponent)
    if not np.all(np.isfinite(value)):
        raise ValueError(f"∂s_T/∂s_0 has entries beyond float64's range (log10 of its norm is "
                         f"{product.log10_norm:.1f}), so its full matrix cannot be compared; "
                         + PROBES_HINT)
    return value  # entries below float64's range are its float64 values: 0 or subnormal
