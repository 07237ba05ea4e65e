"""The gain γ_φ = sup_z |φ'(z)| of every registered activation, for section 'sec:vector':
Table "tab:gamma" (exact or numeric value, where it is attained), the slope parameter α of
leaky relu and elu (γ_φ = max(1, α)), and what γ_φ > 1 means for gelu and silu."""

import sympy as sp

import derive
from derive import dphi, gamma_phi, norm2, z
from reports.doc import Cite, Heading, Math, Para, Ref, Table, num, tr


def blocks(W):
    """The gain's blocks (heading, table, α and gelu/silu paragraphs; ``W`` the recurrent
    matrix symbol of the section) and their results for results.json."""
    rows, gammas = gamma_rows()
    alphas = alpha_gains()
    shown = (Heading(tr("The activation gain", "激活函数的增益")),
             Para(tr("The bound depends on the activation only through its gain ",
                     "界只通过激活函数的增益 "), Math(gamma_phi),
                  tr(", the largest slope of the activation. ", " 依赖于激活函数，即激活函数的"
                     "最大斜率。"), Ref("tab:gamma"),
                  tr(" lists it for every activation these notes use.",
                     " 列出了本讲义用到的每个激活函数的增益。")),
             gamma_table(rows), alpha_paragraph(alphas), gelu_silu(gammas, W))
    return shown, {"gamma": gammas,
                   "gamma_alpha_3": {name: str(v) for name, v in alphas.items()}}


def gamma_rows():
    """One table row per registered activation (name, γ_φ exact, decimal, kind, where
    attained) and the same data for results.json."""
    rows, data = [], {}
    for name in derive.activation_names():
        act = derive.activation(name)
        shown = act.gamma if act.gamma_exact else sp.Float(act.gamma, 12)
        kind = tr("exact", "精确") if act.gamma_exact else tr("numeric", "数值")
        rows.append((label(act), Math(shown), num(float(act.gamma), 10), kind,
                     attained(act)))
        where = act.attainment()
        data[name] = {"gamma": str(act.gamma), "decimal": float(act.gamma),
                      "exact": act.gamma_exact,
                      "attained": {key: where[key] for key in ("set", "limits")}}
    return tuple(rows), data


ALPHA = sp.Symbol("alpha")
ALPHA_PROBE = 3   # a slope parameter above 1, where the gain is α, not 1


def label(act):
    """The activation's name, with its slope parameter α where it has one (leaky relu, elu)."""
    name, params = derive.registry_entry(act)
    if "alpha" not in params:
        return name.replace("_", " ")
    return (name.replace("_", " ") + ", ", Math(sp.Eq(ALPHA, params["alpha"], evaluate=False)))


def alpha_gains():
    """γ_φ of leaky relu and elu with α = ALPHA_PROBE (derived again by SymPy)."""
    return {name: derive.activation(name, alpha=ALPHA_PROBE).gamma
            for name in derive.activation_names()
            if "alpha" in derive.registry_entry(derive.activation(name))[1]}


def alpha_paragraph(gains):
    names = " and ".join(name.replace("_", " ") for name in gains)
    names_zh = " 和 ".join(name.replace("_", " ") for name in gains)
    values = {str(v) for v in gains.values()}
    return Para(
        tr(f"The gains of {names} depend on their slope parameter ",
           f"{names_zh} 的增益取决于其斜率参数 "), Math(ALPHA),
        tr(", for negative inputs; the table uses the values shown. With ",
           "（作用于负输入）；表中使用所示的取值。取 "),
        Math(sp.Eq(ALPHA, ALPHA_PROBE)), tr(" SymPy gives ", " 时，SymPy 给出的增益为 "),
        Math(sp.Integer(values.pop()) if len(values) == 1 else sp.Tuple(*gains.values())),
        tr(" for both: in general ", "（两者相同）：一般地 "),
        Math(sp.Eq(gamma_phi, sp.Max(1, ALPHA), evaluate=False)), tr(".", "。"))


def attained(act):
    """Where |φ'| reaches γ_φ: z ∈ set, or the limit |φ'(z)| → γ_φ that is never reached."""
    parts = []
    if act.gamma_attained != sp.S.EmptySet:
        shown = act.gamma_attained.xreplace({f: sp.Float(f, 12)
                                             for f in act.gamma_attained.atoms(sp.Float)})
        parts.append(Math(sp.Contains(z, shown.xreplace({act.variable: z}), evaluate=False)))
    for point, direction in act.gamma_approached:
        parts.append(Math(sp.Eq(sp.Limit(sp.Abs(dphi(z)), z, point, direction), gamma_phi,
                                evaluate=False)))
    return tuple(parts)


def gamma_table(rows):
    caption = (tr("The gain ", "增益 "), Math(gamma_phi),
        tr(", the supremum of ", "，即 "), Math(sp.Abs(dphi(z))),
        tr(" over all real z, of every activation these notes use, derived by SymPy from the "
           "critical points of ", " 在全体实数 z 上的上确界（本讲义用到的全部激活函数），由 "
           "SymPy 从 "),
        Math(dphi(z)), tr(", its one-sided limits at kinks and its limits at infinity. "
                          "The column kind says whether the value is exact (a closed form) or "
                          "numeric (where no closed form exists: the critical points found "
                          "by a grid search and bisection, the value rounded up, shown rounded "
                          "to 12 digits; the search alone is no proof that every critical "
                          "point was found, so the value is then confirmed an upper bound "
                          "over the whole line by interval arithmetic). "
                          "See that only gelu and silu exceed 1, and that softplus never "
                          "reaches its supremum.",
                          " 的临界点、折点处的单侧极限和无穷远处的极限推导得出。"
                          "“类型”一栏说明该值是精确的（闭式）还是数值的（没有闭式时："
                          "临界点由网格搜索加二分法求得，数值向上取整，表中四舍五入显示 12 位"
                          "有效数字；单靠搜索并不证明找到了所有临界点，因此该值再由区间算术"
                          "在整条实轴上确认为上界）。"
                          "可以看到，只有 gelu 和 silu 的增益大于 1，而 softplus "
                          "永远达不到其上确界。"))
    header = (tr("activation", "激活函数"), Math(gamma_phi), tr("decimal", "十进制值"),
              tr("kind", "类型"), tr("attained at", "取到之处"))
    return Table("tab:gamma", caption, header, rows, align="lllll")


def gelu_silu(data, W):
    gelu, silu = data["gelu"]["decimal"], data["silu"]["decimal"]
    return Para(
        Ref("tab:gamma"),
        tr(" shows that the smooth activations gelu and silu (the Gaussian error linear unit and "
           "the sigmoid linear unit", " 显示，光滑的激活函数 gelu 和 "
                                      "silu（高斯误差线性单元"
           "与 sigmoid 线性单元"), Cite("hendrycks2016", "elfwing2018"),
        tr(") have a gain above 1: ", "）的增益大于 1："), num(gelu, 6), tr(" and ", " 和 "),
        num(silu, 6), tr(". For them one unit can amplify a gradient even when the weight is "
                         "1, and a sufficient condition for vanishing becomes ",
                         "。对它们而言，即使权重为 1，单个单元也可能放大梯度，"
                         "梯度消失的一个充分条件变为 "),
        Math(sp.Lt(norm2(W), 1 / gamma_phi, evaluate=False)),
        tr(", that is ", "，即 "), num(1 / gelu, 6), tr(" for gelu and ", "（gelu）和 "),
        num(1 / silu, 6), tr(" for silu: a recurrent matrix with norm just below 1 no longer "
                             "guarantees that the gradient vanishes.",
                             "（silu）：范数略小于 1 的循环矩阵已不能保证梯度消失。"))
