"""The derivation's steps about the activation: φ, φ', γ_φ and where |φ'| reaches it.

The wording follows what was proved: "exact" for a closed form, "numeric, grid + refinement"
with the grid shown (as SymPy sets) for a value from the numeric root search, rounded up;
"certified by interval arithmetic" where ``derive._certify`` bounded |φ'| over the whole line
(no attained set claimed for a bare certified upper bound); a limit only where φ' has one
(SymPy's AccumBounds where it has none, as cos z at ±∞).
"""

import sympy as sp

from derive._gain import TIE_DIGITS
from derive._methods import CERTIFIED_BOUND, grid_reason_parts, method_parts
from derive._roots import GAMMA_DIGITS
from derive.latex import Step, reason
from derive.notation import dphi, gamma_phi, phi, sup_abs, z


def _eq(lhs, rhs):
    return sp.Eq(lhs, rhs, evaluate=False)


def activation_steps(act):
    """φ, φ' derived, γ_φ = sup|φ'| with how it was found (and the search grid when numeric),
    and where it is reached: attained set, limits that exist, ends where φ' has no limit."""
    parts = () if act.gamma_grid is None else sorted(   # the window's points first
        act.gamma_grid.args if isinstance(act.gamma_grid, sp.Union) else (act.gamma_grid,),
        key=lambda part: abs(next(iter(part))))
    grid = [Step(sp.Contains(z, part, evaluate=False),
                 *(reason(*grid_reason_parts()) if index == 0 else ("more of the grid",)))
            for index, part in enumerate(parts)]
    return [
        Step(_eq(phi(z), act.phi), *reason("activation ", act.name)),
        Step(_eq(dphi(z), act.dphi), "derived by SymPy"),
        Step(_eq(gamma_phi, sup_abs(dphi(z))), "the activation gain"),
        Step(_eq(gamma_phi, act.gamma), *reason(*method_parts(act.gamma_method))),
    ] + grid + _attainment(act)


def _attainment(act):
    """Where |φ'| = γ_φ (a set, derived with γ_φ) and the limits that only approach it."""
    if act.gamma_method.startswith(CERTIFIED_BOUND):   # γ_φ is U: no point is claimed
        return []
    magnitude = sp.Abs(dphi(z))
    where = sp.ConditionSet(z, sp.Eq(magnitude, gamma_phi), sp.S.Reals)
    never = act.gamma_attained == sp.S.EmptySet
    said = (("never attained",) if never else ("where the supremum is attained",)
            if act.gamma_exact else reason("where the supremum is attained (numeric: points and "
                                           "value to ", sp.Integer(GAMMA_DIGITS), " digits)"))
    steps = [Step(_eq(where, act.gamma_attained.xreplace({act.variable: z})), *said)]
    limit = (("the supremum is a limit" + (", never attained" if never else ""),)
             if act.gamma_exact else reason("the limit agrees with the numeric ", gamma_phi,
                                            " to within ", sp.Integer(TIE_DIGITS),
                                            " digits"))
    for point, direction in act.gamma_approached:
        steps.append(Step(_eq(sp.Limit(magnitude, z, point, direction), gamma_phi), *limit))
    close = ((" comes arbitrarily close to ", gamma_phi, " again and again") if act.gamma_exact
             else (" agrees with ", gamma_phi, " to within ", sp.Integer(TIE_DIGITS),
                   " digits, again and again"))
    for point, direction, bounds in act.gamma_unlimited:     # φ' oscillates: no limit
        steps.append(Step(_eq(sp.Limit(dphi(z), z, point, direction), bounds),   # SymPy's
                          *reason("no limit: the values of ", dphi(z), " accumulate on this "
                                  "interval; ", magnitude, *close)))
    return steps
