"""Estimated widths of LaTeX formulas, in pt at 11 pt display style, for line breaking.

Calibrated against TeX's own measurements of the derivation's lines (\\setbox/\\wd): the
estimate is at least 95 % of the true width on them, and the text width used for breaking
(``derive.latex.TEXT_WIDTH``) keeps a margin below A4's and letter's.

>>> width("x + y") > width("x")
True
"""

import re

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
