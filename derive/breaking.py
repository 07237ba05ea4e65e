"""Line breaking for displayed formulas: a long SymPy expression as several LaTeX lines.

TeX cannot break a display, and amsmath's align* sets each line at its natural width, so a
long right-hand side runs off the page.  ``break_lines(expr, budget)`` splits it where a
reader expects: between the terms of a sum (``+ t`` opening the next line), between the
factors of a product (``\\cdot``), inside the parentheses of a function or a power
(``\\tanh\\Bigl(`` … ``\\Bigr)``), at ∧, ⇒ and relations.  Every piece is still printed by
SymPy (``derive.notation.latex``); only the joints are written here.  Widths are estimated
from the LaTeX (``width``, in pt at 11 pt, on the generous side so that lines fit).
"""

import sympy as sp

from derive._width import width
from derive.notation import RELATION_OPS, readable_terms
from derive.notation import latex_cached as latex  # printed once per subexpression

_PLACEHOLDER = sp.Symbol("PLACEHOLDER")


def break_lines(expr, budget):
    """``expr`` as LaTeX lines each at most ``budget`` pt wide where a break can be found
    (an unbreakable atom wider than the budget stays whole).  Lines after the first start
    with the operator that joins them (``+``, ``\\cdot``, ``\\wedge``, ``\\Rightarrow``)."""
    tex = latex(expr)
    if width(tex) <= budget:
        return [tex]
    for splitter in (_split_boolean, _split_relation, _split_add, _split_mul, _split_piecewise,
                     _split_extremum, _split_call):
        lines = splitter(expr, budget)
        if lines is not None:
            return lines
    return [tex]


def _pack(pieces, budget, joiners):
    """Greedy packing: ``pieces`` (lists of lines each) joined by ``joiners`` (the text
    before each piece but the first); a piece's first line joins the previous line if it
    fits."""
    lines = []
    for piece, joiner in zip(pieces, joiners, strict=True):
        first = (joiner + " " + piece[0]).strip()
        if lines and width(lines[-1] + " " + first) <= budget:
            lines[-1] = lines[-1] + " " + first
            lines.extend(piece[1:])
        else:
            lines.extend(_prefixed(joiner, piece, budget))
    return lines


def _prefixed(prefix, lines, budget):
    """``prefix`` before the first line, or on a line of its own when together they do not
    fit (so nested breaks never shrink the room of the lines below them)."""
    if not prefix:
        return list(lines)
    if width(prefix + " " + lines[0]) <= budget:
        return [prefix + " " + lines[0]] + list(lines[1:])
    return [prefix] + list(lines)


def _split_boolean(expr, budget):
    if isinstance(expr, sp.Implies):
        pieces = [break_lines(arg, budget) for arg in expr.args]
        return _pack(pieces, budget, ["", r"\Rightarrow"])
    for kind, joiner in ((sp.And, r"\wedge"), (sp.Or, r"\vee")):
        if isinstance(expr, kind):
            pieces = [break_lines(arg, budget) for arg in _ordered(expr)]
            return _pack(pieces, budget, [""] + [joiner] * (len(pieces) - 1))
    return None


def _ordered(boolean):
    """The arguments of And/Or in the order SymPy prints them."""
    tex = latex(boolean)
    return sorted(boolean.args, key=lambda arg: tex.find(latex(arg)))


def _split_piecewise(expr, budget):
    """A Piecewise as SymPy sets it (cases, "for" conditions), a condition that is too wide
    as an aligned block of a few lines; when that would be too tall for a page, the cases
    one after another over the display's lines, inside \\Bigl\\{ … \\Bigr.."""
    if not isinstance(expr, sp.Piecewise):
        return None
    widest = max(width(latex(value)) for value, _ in expr.args)
    room = budget - widest - 60
    rows = [(break_lines(value, budget), None if condition == sp.true else
             break_lines(condition, max(room, 100.0))) for value, condition in expr.args]
    if room >= 100 and all(len(v) == 1 and (c is None or len(c) <= _TALL) for v, c in rows):
        cases = (r"\begin{cases} " + r" \\".join(_case(v[0], c) for v, c in rows)
                 + r" \end{cases}")
        if width(cases) <= budget:
            return [cases]
    rows = [(v, None if c is None else break_lines(condition, budget))
            for (v, c), (_, condition) in zip(rows, expr.args, strict=True)]
    lines = []
    for number, (value, condition) in enumerate(rows):
        opener = r"\Bigl\{" if number == 0 else ";"
        lines += _prefixed(opener, value, budget)
        lines += _prefixed(r"\text{otherwise}" if condition is None else r"\text{for}\:",
                           condition or [""], budget)
    return lines[:-1] + [lines[-1] + r" \Bigr."]


_TALL = 4  # lines of a condition still set inside cases


def _case(value, condition):
    if condition is None:
        return value + r" & \text{otherwise}"
    block = condition[0] if len(condition) == 1 else (
        r"\begin{aligned}[t] &" + r" \\ &\quad ".join(condition) + r"\end{aligned}")
    return value + r" & \text{for}\: " + block


def _split_extremum(expr, budget):
    """max(a, b, …) / min(…): the arguments one after another, comma-separated."""
    if not isinstance(expr, (sp.Max, sp.Min)):
        return None
    head = r"\max\Bigl(" if isinstance(expr, sp.Max) else r"\min\Bigl("
    pieces = [break_lines(arg, budget) for arg in expr.args]
    lines = _pack([[p[0] + ","] if len(p) == 1 else p[:-1] + [p[-1] + ","] for p in pieces],
                  budget, [""] * len(pieces))
    lines[-1] = lines[-1].rstrip(",")
    return _bracket(lines, head, r"\Bigr)", budget)


def _split_relation(expr, budget):
    op = RELATION_OPS.get(type(expr))
    if op is None:
        return None
    return _pack([break_lines(expr.lhs, budget), break_lines(expr.rhs, budget)],
                 budget, ["", op])


def _split_add(expr, budget):
    if not isinstance(expr, sp.Add):
        return None
    pieces, joiners = [], []
    for term in readable_terms(sp.Add.make_args(expr)):     # the order latex prints
        negative = term.could_extract_minus_sign()
        pieces.append(break_lines(-term if negative else term, budget))
        joiners.append("-" if negative else "+")
    if joiners[0] == "+":
        joiners[0] = ""
    return _pack(pieces, budget, joiners)


def _split_mul(expr, budget):
    if not isinstance(expr, sp.Mul):
        return None
    numerator, denominator = sp.fraction(expr, exact=True)
    if denominator != 1:  # a fraction cannot break: (numerator) / (denominator)
        pieces = [_bracket(break_lines(part, budget), r"\Bigl(", r"\Bigr)", budget)
                  for part in (numerator, denominator)]
        return _pack(pieces, budget, ["", "/"])
    factors = list(sp.Mul.make_args(expr))
    sign = ""
    if factors[0] == -1:
        sign, factors = "-", factors[1:]
    pieces = [_wrap(break_lines(f, budget), expr, f, budget) for f in factors]
    lines = _pack(pieces, budget, [""] + [r"\cdot"] * (len(pieces) - 1))
    return [sign + lines[0]] + lines[1:] if sign else lines


def _wrap(lines, parent, child, budget):
    """Parentheses around a sum inside a product (or a negated sum)."""
    if isinstance(child, sp.Add) and isinstance(parent, sp.Mul):
        return _bracket(lines, r"\Bigl(", r"\Bigr)", budget)
    return lines


def _bracket(lines, left, right, budget):
    """``left`` … ``right`` around ``lines`` (\\Bigl( … \\Bigr) may span lines)."""
    if len(lines) == 1 and width(f"{left}{lines[0]}{right}") <= budget:
        return [f"{left}{lines[0]}{right}"]
    out = _prefixed(left, lines, budget)
    if width(out[-1] + " " + right) <= budget:
        return out[:-1] + [out[-1] + " " + right]
    return out + [right]


def _split_call(expr, budget):
    """f(arg), f(arg)^n, base^n and exp(arg): the head, then the argument broken inside
    \\Bigl( … \\Bigr)."""
    if isinstance(expr, sp.Pow) and isinstance(expr.base, sp.Function) \
            and len(expr.base.args) == 1 and expr.exp.is_Integer and expr.exp > 0:
        head = latex(expr.base.func(_PLACEHOLDER) ** expr.exp)
        return _call_lines(head, expr.base.args[0], budget)
    if isinstance(expr, sp.Abs):
        return _bracket(break_lines(expr.args[0], budget), r"\Bigl|", r"\Bigr|", budget)
    if isinstance(expr, sp.exp):
        inner = break_lines(expr.args[0], budget)
        return _bracket(inner, r"\exp\Bigl(", r"\Bigr)", budget)
    if isinstance(expr, sp.Function) and len(expr.args) == 1:
        return _call_lines(latex(expr.func(_PLACEHOLDER)), expr.args[0], budget)
    if isinstance(expr, sp.Pow):
        inner = break_lines(expr.base, budget)
        return _bracket(inner, r"\Bigl(", r"\Bigr)^{" + latex(expr.exp) + "}", budget)
    return None


def _call_lines(template, argument, budget):
    """``template`` is the LaTeX of f(PLACEHOLDER): its head and tail go around the argument's
    lines, with stretchable parentheses that may span lines."""
    head, _, tail = template.partition(latex(_PLACEHOLDER))
    head = head.replace(r"{\left(", r"\Bigl(").replace(r"\left(", r"\Bigl(")
    tail = tail.replace(r" \right)}", r"\Bigr)").replace(r"\right)", r"\Bigr)")
    if head.count("{") != head.count("}"):
        return None  # the argument sits inside a group (e^{…}, \sqrt{…}): cannot split
    return _bracket(break_lines(argument, budget), head, tail, budget)
