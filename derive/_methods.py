"""How γ_φ was found, in words: ``Gain.method`` for each way (exact, the numeric grid search,
accumulation bounds at ±∞, certified by interval arithmetic) and the reasons the derivation's
steps give for it."""

import sympy as sp

from derive._roots import (
    COARSE_DIGITS,
    GAMMA_DIGITS,
    GRID_GROWTH,
    GRID_HALF_WIDTH,
    KEEP,
    ROOT_DIGITS,
    grid_description,
)


def numeric_method(enclosed):
    """How a numeric γ_φ is found, in words, with the grid's numbers from the grid itself;
    ``enclosed``: whether interval arithmetic enclosed |φ'| at every root found."""
    grid = grid_description()
    how = ("enclosed by interval arithmetic" if enclosed
           else "taken with a numeric error margin")
    return (f"numeric, grid + refinement: sign changes of φ'' at {grid['inner']} evenly spaced "
            f"points on each piece's part of [-{GRID_HALF_WIDTH}, {GRID_HALF_WIDTH}] (step "
            f"{grid['step']} for the whole line) and where |z| = "
            f"{GRID_HALF_WIDTH}·({GRID_GROWTH})^k, k in "
            f"1..{grid['outer_count']} (out to |z| = {float(grid['reach']):.6g}), bisected to "
            f"{COARSE_DIGITS} decimal places, those where |φ'| is within {KEEP:.0e} of the "
            f"largest to {ROOT_DIGITS}; |φ'| at each of these {how}, rounded up to "
            f"{GAMMA_DIGITS} digits; not a proof that every critical point was found")


CERTIFIED_BOUND = "upper bound certified by interval arithmetic"
ACCUMULATION_BOUND = ("upper bound: the accumulation bounds of φ' at ±∞ (SymPy), which may "
                      "exceed sup|φ'|; every critical point exact")
CERTIFIED_EXACT = "exact; interval arithmetic over the whole line"
CERTIFIED_FOUND = "numeric, grid + refinement, confirmed by interval arithmetic"
CERTIFIED_LIMSUP = "upper bound, confirmed by interval arithmetic over the whole line"


CERTIFIED_REASONS = {   # the derivation's reason for each certified kind (Chinese in reports)
    CERTIFIED_BOUND: "upper bound certified by interval arithmetic over the whole line, within "
                     "10^-40 of the supremum",
    CERTIFIED_EXACT: "exact; interval arithmetic over the whole line finds nothing larger",
    CERTIFIED_FOUND: "numeric, grid + refinement, rounded up; confirmed an upper bound over "
                     "the whole line by interval arithmetic",
}


def certified_method(certificate, kind):
    """``Gain.method`` after ``derive._certify`` proved sup|φ'| ≤ U over the whole line:
    ``kind`` "exact" (an exact value ≥ U), "found" (the search's rounded-up value ≥ U) or
    "bound" (U itself, rounded up)."""
    import mpmath

    from derive._certify import FAR, TOLERANCE

    boxes = f"the line split into {certificate.boxes} intervals, unbounded tails included" + (
        f"; beyond |z| = {FAR:.0e} partly by SymPy's limit of φ' at ±∞" if certificate.far
        else "")
    if kind == "exact":
        return f"{CERTIFIED_EXACT} ({boxes}) proves no larger |φ'|"
    if kind == "found":
        return f"{CERTIFIED_FOUND} over the whole line ({boxes}): an upper bound of sup|φ'|"
    if kind == "limsup":
        return (f"{CERTIFIED_LIMSUP} ({boxes}): the largest accumulation value of φ' at ±∞, "
                f"an upper bound of sup|φ'|, not claimed exact")
    return (f"{CERTIFIED_BOUND} over the whole line ({boxes}): sup|φ'| is at least "
            f"{mpmath.nstr(certificate.lower, 12)} and at most this value, within "
            f"{TOLERANCE:.0e} relative; an upper bound, not the exact supremum")


def method_parts(method):
    """The reason of γ_φ's step for a ``Gain.method`` (text and SymPy objects)."""
    if method == "exact":
        return ("exact",)
    if method == ACCUMULATION_BOUND:
        return ("upper bound from the accumulation bounds at ±∞ (may exceed the supremum)",)
    if method.startswith(CERTIFIED_LIMSUP):
        return ("upper bound (accumulation value at ±∞) confirmed by interval arithmetic over "
                "the whole line",)
    for prefix, reason_text in CERTIFIED_REASONS.items():
        if method.startswith(prefix):
            return (reason_text,)
    if method == EXACT_AFTER_SEARCH:
        return ("exact; critical points of some pieces from a numeric grid search",)
    return ("numeric, grid + refinement, rounded up to ", sp.Integer(GAMMA_DIGITS), " digits")


EXACT_AFTER_SEARCH = ("exact value; the critical points of some pieces of φ' from the numeric "
                      "grid search (not a proof that all were found)")


def grid_reason_parts():
    """The reason of the grid step: what it is for, and that it proves nothing."""
    from derive.notation import d2phi, z

    return ("sign changes of ", d2phi(z), " sought here, bisected to ", sp.Integer(ROOT_DIGITS),
            " places (only those near the largest value); not a proof all were found")
