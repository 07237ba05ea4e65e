"""One sentence per finding of ``numeric.diagnose`` and per localisation, for students.

>>> sentence("scaled", {"factor": 0.1, "meaning": "mean over time"}, type("C", (), {"T": 10}))
'the gradient is 0.1 × the true one: the mean over the T = 10 steps instead of the sum'
"""

from numeric.backward_parts import gate_names

SHIFT_TEXT = {
    "h+1": "the outer product uses h_k where h_{k−1} belongs (δ_k h_kᵀ instead of "
           "δ_k h_{k−1}ᵀ)",
    "x+1": "the outer product uses x_{k+1} where x_k belongs (x_{T+1} taken as 0)",
    "x-1": "the outer product uses x_{k−1} where x_k belongs (x_0 taken as 0)",
    "x-1 wrap": "the outer product uses x_{k−1} where x_k belongs, with x_0 read as "
                "x[-1] = x_T (Python's wrap-around index)",
}
# Keras' LSTM order [i, f, c, o] is PyTorch's [i, f, g, o]: Keras is named for the GRU only
KNOWN_ORDERS = {("gru", ("z", "r", "n")): " (Keras' order)",
                ("lstm", ("i", "g", "f", "o")): " (TensorFlow's LSTMBlockCell order)"}


def _number(value):
    return f"{value:.6g}"


def sentence(code, detail, case, only=False):
    """The sentence of a finding with this ``detail``; ``only``: the finding concerns the
    quantities ``detail["quantities"]`` and the other supplied ones are right."""
    if only:
        names = ", ".join(detail["quantities"])
        return f"{names} only: {_sentence(code, detail, case, True)}"
    return _sentence(code, detail, case, False)


def _sentence(code, detail, case, only):
    T = case.T
    if code == "sign" and only:
        return ("−1 × the true value, the others are right: the sign is flipped in this "
                "gradient alone")
    if code == "sign":
        return ("the gradient is −1 × the true one: the sign is flipped (for example the "
                "residual written y − h instead of h − y)")
    if code == "scaled":
        c, meaning = detail["factor"], detail.get("meaning")
        head = f"{_number(c)} × the true value, the others are right" if only else \
            f"the gradient is {_number(c)} × the true one"
        reason = {
            "mean over time": f"the mean over the T = {T} steps instead of the sum",
            "missing half": "the ½ of L = ½‖h − y‖² left out (2(h − y) instead of h − y)",
            "extra half": "an extra factor ½ (the ½ of the loss applied twice?)",
            "batch": (f"divided by {round(1 / abs(c))}, perhaps a mean over a batch of that "
                      f"size" if abs(c) < 1 else
                      f"multiplied by {round(abs(c))}, perhaps a batch size"),
        }.get(meaning, "a constant factor with no usual cause")
        sign = "; the sign is flipped as well" if c < 0 else ""
        return f"{head}: {reason}{sign}"
    if code == "transposed":
        if detail.get("where") == "recursion":
            return ("the backward recursion multiplies by W_hh where W_hhᵀ belongs: "
                    "g_{k−1} = W_hh δ_k instead of W_hhᵀ δ_k")
        names = ", ".join(detail["quantities"])
        if detail["quantities"] == ["jacobian_product"]:
            return ("jacobian_product: the transpose of ∂s_T/∂s_0 (the product J_1ᵀ ⋯ J_Tᵀ, "
                    "or ∂s_T/∂s_0 indexed [column, row])")
        return (f"{names}: the transpose of the true value (for a weight gradient h_{{k−1}} "
                f"δ_kᵀ instead of δ_k h_{{k−1}}ᵀ, blockwise for stacked gates)")
    if code == "missing_activation_derivative":
        return _missing_derivative(detail)
    if code == "time_shift":
        return SHIFT_TEXT[detail["shift"]]
    if code == "truncated":
        K = detail["K"]
        if detail.get("form") == "each loss term":
            return (f"each loss term L_t is backpropagated only K = {K} steps (terms k = "
                    f"t − {K - 1}..t): truncated backpropagation through time")
        every = ", with the terms of every loss term L_t before step " \
            f"{T - K + 1} left out" if detail.get("per_step") else ""
        return (f"only the last K = {K} of the T = {T} terms of the BPTT sum are added "
                f"(steps k = {T - K + 1}..{T}, each δ_k exact{every}): the backward loop "
                f"stops after K steps, truncated backpropagation through time")
    if code == "missing_immediate_term":
        if detail.get("form") == "each loss term":
            return ("for every loss term L_t the term of step t itself, "
                    "(∂L_t/∂h_t)(∂⁺h_t/∂θ), is missing from the sum")
        return (f"the term of the last step k = T = {T}, δ_T h_{{T−1}}ᵀ, is missing from "
                f"the sum (the loop adds steps k = 1..{T - 1} only)")
    if code == "gate_order":
        kind = getattr(case, "kind", None)
        order = tuple(detail["permutation"])
        known = KNOWN_ORDERS.get((getattr(kind, "name", None), order), "")
        blocks = f"[{', '.join(order)}]{known}"
        own = f"[{', '.join(gate_names(kind))}]"
        if detail.get("where") == "forward pass":
            return (f"the gradient of a forward pass that reads the stacked weights' row "
                    f"blocks as gates {blocks}, not in PyTorch's order {own}")
        return f"the row blocks are stacked {blocks} instead of PyTorch's {own}"
    if code == "gru_bias_placement":
        return ("the gradient of the GRU with b_hn outside the reset gate: n = tanh(W_in x + "
                "b_in + r ⊙ (W_hn h) + b_hn), where PyTorch has r ⊙ (W_hn h + b_hn)")
    return code


def _missing_derivative(detail):
    factor, form, cell = detail["factor"], detail["form"], detail.get("cell")
    if cell in ("elman", None) and form == "h":
        return (f"the factor {factor} (D_k = diag φ'(a_k)) is missing, in a recursion written "
                f"for ∂L/∂h_k: g_{{k−1}} = W_hhᵀ g_k instead of W_hhᵀ D_k g_k")
    if cell in ("elman", None):
        return (f"the factor {factor} (D_k = diag φ'(a_k)) is missing, in a recursion written "
                f"for ∂L/∂a_k: δ_k = W_hhᵀ δ_{{k+1}} + … instead of D_k (W_hhᵀ δ_{{k+1}} + …)")
    where = f"from {', '.join(detail['in'])}" if detail.get("in") else \
        "from every partial derivative of the step that contains it"
    if form == "a":
        where += ", except on the loss's own term at that step"
    return f"the derivative factor {factor} is missing {where}"


def localise_sentence(how, k, T, name=None):
    """The sentence of a localisation found ``how`` ("delta", "suffix" or "aligned")."""
    agree = f"k = {T}" if k + 1 == T else f"k = {T} down to {k + 1}"
    if how == "delta":
        return (f"the supplied ∂L/∂h_k agrees with the derived one for {agree} and departs "
                f"first at step k = {k}" if k < T else
                f"the supplied ∂L/∂h_k departs already at the last step k = T = {T}")
    if how == "suffix":
        steps = f"step {T}" if k + 1 == T else f"steps {k + 1}..{T}"
        return (f"inferred from {name} alone: it is closest to the sum of the derived "
                f"per-step terms of {steps}, so it most likely departs from step "
                f"k = {k} backwards; supply delta to locate it exactly")
    if how == "unexplained":
        return (f"inferred from {name} alone: its error is not the derived term of any one "
                f"step (step k = {k} is the nearest, and not near): the sum alone cannot place "
                f"the departure in time; supply delta to locate it")
    return (f"inferred from {name} alone: its error is most aligned with the derived term of "
            f"step k = {k} (δ_k h_{{k−1}}ᵀ for a recurrent matrix); this points at the step, "
            f"it does not prove it; supply delta to locate the departure exactly")
