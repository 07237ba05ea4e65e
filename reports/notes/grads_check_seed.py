"""The first source article's backward pass (``reports.notes.listing``), run as printed on the
draws of ``numeric.seed_program`` and checked by ``numeric.check_gradients``.

The listing's ``RNNUnit.backward`` (its defects 3 and 4, 'sec:audit'), written in the notes'
layout (column vectors, so the listing's ``np.dot(grad_h, W_hh.T)`` is W_hhᵀ g_k), with one shared
weight set (its defect 2 repaired, so that there is one gradient to check), at k = T..1:

    δ_k = g_k ⊙ tanh'(h_k)            (``tanh_deriv(self.h)``: tanh' of h_k = tanh(a_k), not of a_k)
    ∂L/∂W_hh += δ_k h_{k−1}ᵀ,  ∂L/∂W_xh += δ_k x_kᵀ,  ∂L/∂b_h += δ_k
    g_{k−1} = W_hhᵀ g_k               (``grad_h_prev``: the derivative D_k left out)

with g_T = ones, which is ∂L/∂h_T of L = ½‖h_T − y‖² for the target y = h_T − 1.  The errors g_k
it passes back are supplied as ``delta`` so that rnngrad can say where they first depart.
"""

import numpy as np
import sympy as sp

import derive
import numeric
from reports.doc import Code, Math, Para, Ref, num, tr
from reports.notes.listing import lines_with

SEED = 0                     # numpy.random.default_rng(SEED), drawn as numeric.seed_program draws
SIZES = {"input_size": 10, "hidden_size": 20, "seq_len": 20}   # the seed's n and m, T = 20
TANH = derive.activation("tanh")
K, N, T_ = sp.symbols("k n T")
W_HH = sp.Symbol("W_hh")


def seed_case():
    """(case, draws): the seed program's weights and inputs (W_xh, W_hh, x ~ N(0, 1), zero bias
    and h_0, drawn in ``numeric.seed_program``'s order) and y = h_T − 1."""
    rng = np.random.default_rng(SEED)
    m, n, T = SIZES["input_size"], SIZES["hidden_size"], SIZES["seq_len"]
    W_xh, W_hh, x = (rng.standard_normal((n, m)), rng.standard_normal((n, n)),
                     rng.standard_normal((T, m)))
    _, drawn = numeric.seed_program(np.random.default_rng(SEED), TANH, **SIZES)
    if not np.array_equal(drawn, W_hh):
        raise ValueError("the seed program's draws changed: W_hh differs from seed_program's")
    zeros = np.zeros(n)
    h = numeric.forward(TANH, W_hh, W_xh, zeros, zeros, x).h
    return numeric.Case(TANH, W_hh, W_xh, zeros, zeros, x, h[-1] - 1.0), h


def seed_gradient(case, h):
    """The listing's backward pass (module docstring): {W_hh, W_xh, b_h, delta}."""
    T, n = case.x.shape[0], len(case.h0)
    out = {"W_hh": np.zeros((n, n)), "W_xh": np.zeros_like(case.W_xh), "b_h": np.zeros(n),
           "delta": np.zeros((T, n))}
    g = np.ones(n)
    for k in range(T, 0, -1):
        out["delta"][k - 1] = g
        d = g * (1 - np.tanh(h[k]) ** 2)          # tanh_deriv(self.h)
        out["W_hh"] += np.outer(d, h[k - 1])
        out["W_xh"] += np.outer(d, case.x[k - 1])
        out["b_h"] += d
        g = case.W_hh.T @ g                        # grad_h_prev, without D_k
    return out


def seed_check():
    """The check of the seed's gradient, as results.json stores it."""
    case, h = seed_case()
    check = numeric.check_gradients(case, seed_gradient(case, h))
    where = check.localisation
    return {"steps": int(case.x.shape[0]), "hidden": len(case.h0), "passed": check.passed,
            "diagnosis": list(check.diagnosis),
            "max_rel_error": {q.name: float(q.max_rel_error) for q in check.quantities},
            "departs_at": None if where is None else where.time_step,
            "departs_in": None if where is None else where.quantity}


def found_parts(diagnosis):
    """'none of the known mistakes matches' or the codes rnngrad names."""
    if not diagnosis:
        return (tr("none of the known mistakes matches", "没有一种已知错误与之吻合"),)
    parts = [tr("it names ", "它给出 ")]
    for code in diagnosis:
        parts += [tr(", ", "、")] if len(parts) > 1 else []
        parts.append(Code(code))
    return tuple(parts)


def departure_parts(T, step):
    """Where the supplied errors depart, tied to the audit's findings (empty when rnngrad could
    not place it)."""
    if step is None:
        return (tr(".", "。"),)
    line = lines_with("grad_h_prev = np.dot(grad_h, self.W_hh.T)")[0]
    return (
        tr(". Given the errors the program passes back as well, rnngrad finds them equal to "
           "the derived ones at the last step, ",
           "。若同时提供程序反向传递的误差，rnngrad 发现它们在最后一步 "),
        Math(sp.Eq(K, T)), tr(", and departing first at ", " 与推导值相同，而在往回一步的 "),
        Math(sp.Eq(K, step)),
        tr(", one step back: the first error passed back through ",
           " 处首次偏离：这正是第一个经过 "),
        Code("grad_h_prev"), tr(f" (line {line} of ", "（"), Ref("lst:seed-listing"),
        tr("), which the audit (", f" 第 {line} 行）反向传递的误差，审查（"), Ref("sec:audit"),
        tr(") found to leave out the derivative of the activation. The weight gradients are "
           "wrong from the last step on, because ", "）发现那里漏掉了激活函数的导数。权重梯度则从"
           "最后一步起就有误，因为 "), Code("tanh_deriv(self.h)"),
        tr(" takes tanh' of the state instead of the pre-activation.",
           " 对状态而不是预激活值求 tanh'。"))


def seed_blocks():
    """(paragraphs, results) on the seed program's gradient."""
    r = seed_check()
    return (Para(tr("The first source article's program makes two of these mistakes at once. "
                    "Its backward pass, run as printed with one shared weight set on the seed's "
                    "draws (",
                    "第一篇原文的程序同时犯了其中两种错误。把它的反向传播按原样运行（共享一组权重），"
                    "使用原程序的随机抽样（"),
                 Math(sp.Eq(N, r["hidden"])), tr(", ", "，"), Math(sp.Eq(T_, r["steps"])),
                 tr(" steps to keep the check short), fails rnngrad's check: the worst entry of ",
                    " 步，以便核验很快完成），未能通过 rnngrad 的核验："), Math(W_HH),
                 tr(" is off by a relative ", " 梯度中最差元素的相对误差为 "),
                 num(r["max_rel_error"]["W_hh"], 3), tr(", and ", "，而且"),
                 *found_parts(r["diagnosis"]), *departure_parts(r["steps"], r["departs_at"])),), r
