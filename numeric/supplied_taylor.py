"""The Taylor test of supplied gradients: L as a function of the supplied variables θ (the
parameters, gate blocks, h_0, c_0 whose gradients were given), the supplied gradient as ∇L(θ);
|L(θ + εv) − L(θ) − ε⟨∇L, v⟩| has slope 2 in ε for a correct gradient, 1 for a wrong one.

Run only for float64 and small cases (T · number of parameters ≤ ``SMALL``, the threshold
``numeric.check_cost`` counts the test's cost under): it costs a few
dozen forward passes, where the check itself costs one backward pass.
"""

import numpy as np

from numeric import cells, rnn
from numeric.case import Case
from numeric.check_cost import TAYLOR_SMALL as SMALL
from numeric.supplied_names import block_rows, sizes
from numeric.taylor import taylor_test

VARIABLES = ("W_hh", "W_xh", "b_h", "bias_hh", "grad_h0", "grad_c0")


def supplied_taylor(case, values, dtype, seed):
    """(TaylorTest or None, a note saying why not / what was varied); called for a full
    check only (random projections get no Taylor test)."""
    n = sizes(case)[0]
    params = _variables(case, values, n)
    if not params:
        return None, "no Taylor test: no parameter or initial-state gradient was supplied"
    if dtype != "float64":
        return None, f"no Taylor test: it needs float64 arithmetic, and the gradients are {dtype}"
    size = sum(value.size for value in _case_params(case).values()) * case.T
    if size > SMALL:
        return None, (f"no Taylor test: the case is large, T × parameters = {size} > {SMALL}; "
                      "the entrywise check decides")
    grads = {name: values[name] for name in params}
    result = taylor_test(lambda theta: _loss(case, theta, n), lambda theta: grads, params,
                         seed=seed)
    return result, f"Taylor test along random directions in {', '.join(params)}"


def _case_params(case):
    if isinstance(case, Case):
        return {"W_hh": case.W_hh, "W_xh": case.W_xh, "b_h": case.b_h}
    return case.params


def _variables(case, values, n):
    """name → the point θ for every supplied quantity that is a gradient: parameters, blocks
    (when their whole parameter was not supplied), h_0, c_0; a legacy case's bias_hh is an
    offset added to b_h (so its θ is 0)."""
    own = _case_params(case)
    out = {}
    for name in values:
        if name in own:
            out[name] = np.array(own[name], dtype=float)
        elif name == "bias_hh" and isinstance(case, Case):
            out[name] = np.zeros(n)
        elif name in ("grad_h0", "grad_c0"):
            start = 0 if name == "grad_h0" else n
            s0 = case.h0 if isinstance(case, Case) else case.s0
            out[name] = np.array(s0[start:start + n], dtype=float)
        elif not isinstance(case, Case) and "_" in name:
            base = name.rsplit("_", 1)[0]
            if base in own and base not in values:
                out[name] = np.array(own[base][block_rows(case, name)[1]], dtype=float)
    return out


def _loss(case, theta, n):
    """L with the supplied variables replaced by ``theta``'s values."""
    s0 = np.array(case.h0 if isinstance(case, Case) else case.s0, dtype=float)
    if "grad_h0" in theta:
        s0[:n] = theta["grad_h0"]
    if "grad_c0" in theta:
        s0[n:2 * n] = theta["grad_c0"]
    params = {name: np.array(value, dtype=float) for name, value in _case_params(case).items()}
    for name, value in theta.items():
        if name in params:
            params[name] = np.asarray(value, dtype=float)
        elif name not in VARIABLES:
            base, rows = block_rows(case, name)
            params[base][rows] = value
    if isinstance(case, Case):
        b_h = params["b_h"] + theta.get("bias_hh", 0.0)
        path = rnn.forward(case.activation, params["W_hh"], params["W_xh"], b_h, s0, case.x)
        residual = path.h[1:] - case.y if case.y.ndim == 2 else path.h[-1] - case.y
    else:
        path = cells.forward(case.kind, case.activation, params, s0, case.x)
        residual = path.states[-1][:n] - case.y
    return 0.5 * float(np.sum(residual * residual))
