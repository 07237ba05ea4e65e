"""Gradient clipping and the direction of the gradient, for 'sec:remedies': norm clipping
multiplies ĝ by θ/‖ĝ‖ and keeps its direction; value clipping (each entry clipped to [−θ, θ])
turns it.  Both angles are measured on the same ĝ (``remedies_numbers.direction``) and the
sentences say only what the measured angles show."""

import sympy as sp

from reports.doc import Cite, Math, Para, num, tr
from reports.notes import remedies_numbers as rn
from reports.notes.prose import say

THETA = sp.Symbol("theta", positive=True)


ROUNDING_DEGREES = 1e-9   # an angle below this is rounding (float64 keeps ~16 digits)


def kept_direction(case):
    """The measured angle between ĝ and its norm-clipped version, said to be 0 up to rounding
    only when it is below ROUNDING_DEGREES."""
    angle = case["norm_clipped_angle_degrees"]
    zero = angle < ROUNDING_DEGREES
    return (tr(", so the direction is kept: the angle between ", "，因此方向保持不变："),
            *say("$ghat$ and the clipped gradient is ", "$ghat$ 与裁剪后的梯度之间的夹角为 "),
            num(angle, 3), tr(" degrees", " 度"),
            tr(", zero up to rounding." if zero else ".", "，在舍入误差范围内为零。" if zero
               else "。"))


def value_clipping(case):
    """Norm clipping against value clipping (each entry clipped to [−θ, θ]) on the same ĝ:
    the angles as measured, and what that says about the second article's claim."""
    turned = case["value_clipped_angle_degrees"] >= ROUNDING_DEGREES > \
        case["norm_clipped_angle_degrees"]
    return Para(
        tr("Clipping each entry instead (value clipping: every entry of ",
           "如果改为逐元素裁剪（按值裁剪：把 "),
        *say("$ghat$ set into ", "$ghat$ 的每个元素限制在 "),
        Math(sp.Interval(-THETA, THETA)), tr(", with the same ", " 内，取同样的 "),
        Math(sp.Eq(THETA, sp.Float(rn.THRESHOLD, 2))),
        tr(") changes the direction: here it changes " if turned else ") here changes ",
           "），方向就会改变：这里它改变了 " if turned else "），这里改变了 "),
        str(case["value_clipped_entries"]), tr(" of the ", " 个元素（共 "),
        str(case["entries"]), tr(" entries, and the angle between ", " 个），"),
        *say("$ghat$ and the result is ", "$ghat$ 与结果之间的夹角为 "),
        num(case["value_clipped_angle_degrees"], 3), tr(" degrees (cosine ", " 度（余弦为 "),
        num(case["value_clipped_cosine"], 4), tr("), against ", "），而按范数裁剪只有 "),
        num(case["norm_clipped_angle_degrees"], 3),
        tr(" degrees for norm clipping.", " 度。"), *settles(turned))


def settles(turned):
    """What the measured angles say about the second article's claim that clipping may
    distort the direction: settled only when value clipping turned ĝ and norm clipping did
    not (``value_clipping``)."""
    if not turned:
        return (tr(" On this gradient the angles do not separate the two rules.",
                   "在这个梯度上，夹角没有区分这两种规则。"),)
    return (tr(" This settles the claim of the second source article",
               "这就回答了第二篇原文"), Cite("seed003"),
            tr(" that after clipping the direction of the gradient may already be distorted: "
               "it holds for value clipping, not for the norm clipping that the article "
               "describes (a threshold on the norm), which only shortens the gradient.",
               "中“梯度的方向信息可能已经失真”的说法：这对按值裁剪成立，对该文所描述的"
               "按范数裁剪（给范数设阈值）不成立，后者只是把梯度缩短。"))
