"""Where the pieces of φ' meet, and at which of those points φ' itself jumps.

At a piece end φ' may jump (a kink of φ: relu's 0, hardtanh's ±1, elu's 0 for α ≠ 1) or be
continuous with a jump in φ'' (a kink of φ': softsign's 0, elu's 0 for α = 1).  Both matter to
difference quotients (a step must not straddle either), only the first to one-sided values.
"""

import sympy as sp

from derive._candidates import derivative_pieces


def piece_ends(dphi, z):
    """The finite ends of φ''s pieces, sorted: where φ' or only a higher derivative jumps."""
    ends = {end for _, interval in derivative_pieces(dphi, z)
            for end in (interval.start, interval.end) if end.is_finite}
    return tuple(sorted(ends))


def jumps(dphi, z, ends):
    """The piece ends where φ' jumps: its one-sided limits there, from the pieces ending and
    starting at the point, differ."""
    pieces = derivative_pieces(dphi, z)

    def side(point, direction):
        expr = next(e for e, i in pieces if (i.end if direction == "-" else i.start) == point
                    and i.start != i.end)
        return sp.limit(expr, z, point, direction) if expr.has(z) else expr
    return tuple(p for p in ends if sp.simplify(side(p, "+") - side(p, "-")) != 0)
