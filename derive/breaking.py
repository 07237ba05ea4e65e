"""Line breaking for displayed formulas: a long SymPy expression as several LaTeX lines.

TeX cannot break a display, and amsmath's align* sets each line at its natural width, so a
long right-hand side runs off the page.  ``break_lines(expr, budget)`` splits it where a
reader expects: between the terms of a sum (``+ t`` opening the next line), between the
factors of a product (``\\cdot``), inside the parentheses of a function or a power
(``\\tanh\\Bigl(`` … ``\\Bigr)``), at ∧, ⇒ and relations.  Every piece is still printed by
SymPy (``derive.notation.latex``); only the joints are written here.  Widths are estimated
from the LaTeX (``width``, in pt at 11 pt, on the generous side so that lines fit).
"""

import re

import sympy as sp

from derive.notation import latex

_PLACEHOLDER = sp.Symbol("PLACEHOLDER")
_CHAR = 6.2                      # pt: a math letter or digit at 11 pt, rounded up
_CAPITAL = 9.0                   # pt: a capital letter (W, D) with its italic correction
_WIDE = {r"\cdot": 8.5, r"\leq": 16.0, r"\geq": 16.0, r"\wedge": 14.0, r"\Rightarrow": 20.0,
         r"\in": 14.0, r"\infty": 11.0, r"\partial": 6.5, r"\mapsto": 16.0, r"\quad": 11.0,
         r"\;": 3.5, r"\,": 2.0, r"\ ": 4.0, r"\|": 5.5, r"\sum": 16.0, r"\prod": 16.0}
_INVISIBLE = {r"\left", r"\right", r"\middle", r"\Bigl", r"\Bigr", r"\bigl", r"\bigr",
              r"\displaystyle", r"\operatorname", r"\mathbb", r"\text", r"\begin", r"\end"}
_TOKEN = re.compile(r"\\[a-zA-Z]+|\\.|[{}^_]|[+=<>-]|&|[^\s{}^_\\]")


def width(tex):
    """Estimated width in pt of ``tex`` set in display style: letters ~6 pt, binary
    operators with their spacing ~14 pt, scripts at 75 %, a fraction as wide as its wider
    part, ``matrix`` environments as the sum of their widest column entries."""
    if r"\begin{matrix}" in tex or r"\begin{cases}" in tex:
        return _environment_width(tex)
    tokens = _TOKEN.findall(tex)
    value, _ = _group_width(tokens, 0, scale=1.0)
    return value


def _group_width(tokens, start, scale):
    """Width of tokens from ``start`` up to the matching '}' (or the end); returns (width,
    index after the group)."""
    total, index = 0.0, start
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token == "}":
            return total, index
        if token == "{":
            part, index = _group_width(tokens, index, scale)
        elif token in ("^", "_"):
            part, index = _script(tokens, index, scale * 0.75)
        elif token == r"\frac":
            top, index = _argument(tokens, index, scale)
            bottom, index = _argument(tokens, index, scale)
            part = max(top, bottom) + 2.0 * scale
        elif token in (r"\sqrt",):
            inner, index = _argument(tokens, index, scale)
            part = inner + 10.0 * scale
        elif token in _INVISIBLE:
            if token in (r"\begin", r"\end", r"\operatorname", r"\mathbb", r"\text") \
                    and index < len(tokens) and tokens[index] == "{":
                name, index = _group_width(tokens, index + 1, scale)
                part = 0.0 if token in (r"\begin", r"\end") else name * 0.9
            else:
                part = 0.0
        else:
            part = _token_width(token) * scale
        total += part
    return total, index


def _argument(tokens, index, scale):
    if index < len(tokens) and tokens[index] == "{":
        return _group_width(tokens, index + 1, scale)
    return _token_width(tokens[index]) * scale if index < len(tokens) else 0.0, index + 1


def _script(tokens, index, scale):
    return _argument(tokens, index, scale)


def _token_width(token):
    if token in _WIDE:
        return _WIDE[token]
    if token in "+-=<>":
        return 14.0 if token in "+-" else 16.0
    if token.startswith("\\") and len(token) > 2:
        name = token[1:]
        return _CHAR if len(name) > 1 and name in _GREEK else _CHAR * 0.9 * len(name)
    return _CAPITAL if token.isupper() else _CHAR


_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
          "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi",
          "varphi", "chi", "psi", "omega", "Phi", "Gamma", "Delta", "emptyset", "mathbb"}


def _environment_width(tex):
    """A matrix or cases environment: the sum over columns of the widest entry, plus what
    stands outside the environment."""
    head, _, rest = tex.partition(r"\begin{")
    env, _, rest = rest.partition("}")
    body, _, tail = rest.partition(r"\end{" + env + "}")
    rows = [row.split("&") for row in body.split(r"\\")]
    columns = max(len(row) for row in rows)
    inner = sum(max(width(row[c]) if c < len(row) else 0.0 for row in rows)
                for c in range(columns)) + 14.0 * (columns - 1)
    return width(head) + inner + width(tail) + 12.0


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
    rows = [(break_lines(value, budget), None if condition == sp.true else
             break_lines(condition, budget)) for value, condition in expr.args]
    if all(len(v) == 1 and (c is None or len(c) <= _TALL) for v, c in rows):
        return [r"\begin{cases} " + r" \\".join(_case(v[0], c) for v, c in rows)
                + r" \end{cases}"]
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


_OPS = {sp.Eq: "=", sp.Lt: "<", sp.Gt: ">", sp.Le: r"\leq", sp.Ge: r"\geq"}


def _split_relation(expr, budget):
    op = _OPS.get(type(expr))
    if op is None:
        return None
    return _pack([break_lines(expr.lhs, budget), break_lines(expr.rhs, budget)],
                 budget, ["", op])


def _split_add(expr, budget):
    if not isinstance(expr, sp.Add):
        return None
    pieces, joiners = [], []
    for term in sp.Add.make_args(expr):
        negative = term.could_extract_minus_sign()
        pieces.append(break_lines(-term if negative else term, budget))
        joiners.append("-" if negative else "+")
    if joiners[0] == "+":
        joiners[0] = ""
    return _pack(pieces, budget, joiners)


def _split_mul(expr, budget):
    if not isinstance(expr, sp.Mul):
        return None
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
