"""A whitelisting parser for custom activations: text -> ``Activation``, never ``eval``.

The text is parsed by Python's ``ast`` and walked node by node.  Allowed: int and decimal
literals, one variable, the constants pi and E, + - * / ** and unary minus, and calls of the
functions in ``FUNCTIONS`` with positional arguments.  Everything else (attribute access, other
names, subscripts, lambdas, comprehensions, strings, keywords, comparisons, ...) is refused with a
one-line ValueError.  Nothing is handed to ``eval``, ``sympify`` or ``parse_expr``.

>>> parse_activation("x/(1+Abs(x))").gamma
1
"""

import ast

import sympy as sp
from sympy.calculus.util import continuous_domain
from sympy.polys.polyerrors import BasePolynomialError

from derive.activations import Z, _sigma, make_activation
from derive.budget import BUDGET_SECONDS, SymbolicBudgetExceeded, check_structure, symbolic_budget

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_LITERAL = 10**6
MAX_EXPONENT = 64
MAX_CONSTANT = sp.Integer(10) ** 100   # any constant subexpression, in absolute value
MAX_GROWTH_NESTING = 3                 # exp/sinh/cosh/x**x nested deeper would need
                                       # astronomically many digits to evaluate
_GROWTH = {"exp", "sinh", "cosh"}

FUNCTIONS = {
    "tanh": (sp.tanh, 1), "sinh": (sp.sinh, 1), "cosh": (sp.cosh, 1), "sech": (sp.sech, 1),
    "exp": (sp.exp, 1), "log": (sp.log, 1), "sqrt": (sp.sqrt, 1),
    "erf": (sp.erf, 1), "erfc": (sp.erfc, 1), "atan": (sp.atan, 1),
    "sin": (sp.sin, 1), "cos": (sp.cos, 1), "sigmoid": (_sigma, 1),
    "Abs": (sp.Abs, 1), "abs": (sp.Abs, 1),
    "Max": (sp.Max, None), "max": (sp.Max, None), "Min": (sp.Min, None), "min": (sp.Min, None),
}
CONSTANTS = {"pi": sp.pi, "E": sp.E}
_NOT_VARIABLES = {"nan", "inf", "infinity", "oo", "zoo"}   # lower case; and I
_BINARY = {ast.Add: sp.Add, ast.Sub: lambda a, b: a - b, ast.Mult: sp.Mul,
           ast.Div: lambda a, b: a / b}


def parse_activation(text, name=None):
    """A custom ``Activation`` from a formula in one variable, e.g. ``"x/(1+Abs(x))"``.

    Raises ValueError with a one-line message for anything outside the whitelist, for formulas
    that are not real and finite on the real line, and when γ_φ cannot be derived; its
    subclass SymbolicBudgetExceeded for a formula beyond ``derive.budget``'s structural caps or
    whose derivation takes longer than ``BUDGET_SECONDS`` (on the main thread).
    """
    phi = parse_formula(text)
    check_structure(phi, "activation formula")
    try:
        with symbolic_budget(BUDGET_SECONDS, _shorten(text), _SIMPLER):
            _check_real(phi, text)
            return make_activation(name or text.strip(), phi)
    except SymbolicBudgetExceeded:
        raise
    except (ArithmeticError, NotImplementedError, TypeError, ValueError, RecursionError,
            BasePolynomialError) as err:
        raise ValueError(f"cannot derive γ for {text.strip()!r}: {_one_line(err)}") from None


_SIMPLER = ("a simpler formula, or a registered activation (rnngrad derive --help lists them), "
            "derives quickly")


def _shorten(text):
    text = " ".join(text.split())
    return repr(text if len(text) <= 40 else text[:37] + "...")


def parse_formula(text):
    """The formula as a SymPy expression in ``Z``; see the module docstring for the grammar."""
    if not isinstance(text, str):
        raise ValueError(f"activation formula must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"activation formula too long ({len(text)} > {MAX_LENGTH} characters)")
    _check_characters(text.strip())
    if _bracket_depth(text) > MAX_DEPTH:
        raise ValueError(f"activation formula nested deeper than {MAX_DEPTH} levels")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as err:
        raise ValueError(f"activation formula is not a valid expression: {_one_line(err)}") \
            from None
    builder = _Builder(text.strip())
    expr = builder.build(tree.body, 0)
    if builder.variable is None:
        raise ValueError("activation formula must use a variable (such as x)")
    return expr


def _check_characters(text):
    """ValueError for the first character a formula has no use for: Python's comments (``#``),
    line continuations (``\\``), statement separators, newlines, quotes, non-ASCII letters
    (``ｘ`` would read as ``x`` and put non-ASCII text in the activation's name) and every
    other symbol outside numbers, names, ``+ - * / ** ( ) ,`` and blanks."""
    for position, char in enumerate(text):
        if char not in _ALLOWED:
            what = _CHARACTER_NAMES.get(char, "")
            if not char.isascii():
                what = f" (U+{ord(char):04X}: formulas are ASCII)"
            raise ValueError(f"activation formula may not contain {char!r}{what} at position "
                             f"{position + 1}; use numbers, one variable, + - * / ** ( ) , "
                             "and functions such as tanh, exp, Abs")


_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                     "_+-*/()., \t")
_CHARACTER_NAMES = {"#": " (a comment)", "\\": " (a line continuation)",
                    ";": " (a statement separator)", "\n": " (a line break)",
                    "\r": " (a line break)"}


def _bracket_depth(text):
    depth = deepest = 0
    for char in text:
        depth += char == "("
        depth -= char == ")"
        deepest = max(deepest, depth)
    return deepest


def _one_line(err):
    lines = [line for line in str(err).splitlines() if line.strip()]
    return lines[0].strip() if lines else type(err).__name__


class _Builder:
    """Walks an ``ast`` expression, building SymPy objects from whitelisted nodes only."""

    def __init__(self, text):
        self.text = text
        self.variable = None
        self.growth = 0

    def checked(self, expr):
        """``expr`` if it is not a constant too large to evaluate quickly."""
        if not expr.free_symbols and expr.is_number:
            value = expr.evalf(15)
            if value.has(sp.nan, sp.zoo) or (value.is_extended_real and
                                             abs(value) > MAX_CONSTANT):
                raise ValueError(f"constant {sp.sstr(expr)[:40]} is too large "
                                 f"(limit 10^100 in absolute value)")
        return expr

    def build(self, node, depth):
        if depth > MAX_DEPTH:
            raise ValueError(f"activation formula nested deeper than {MAX_DEPTH} levels")
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise ValueError(f"activation formula may not contain {_describe(node)}")
        return method(node, depth + 1)

    def _Constant(self, node, depth):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"activation formula may not contain the literal {value!r}")
        if not abs(value) <= MAX_LITERAL:
            raise ValueError(f"number {value!r} too large (limit {MAX_LITERAL})")
        if isinstance(value, int):
            return sp.Integer(value)
        exact = sp.Rational(self.source(node))  # the literal as written: 1e-400 is not 0
        if exact != 0 and abs(exact) < sp.Rational(1, MAX_LITERAL):
            raise ValueError(f"number {self.source(node)} too small (limit 1/{MAX_LITERAL})")
        return exact

    def source(self, node):
        return ast.get_source_segment(self.text, node) or repr(node.value)

    def _Name(self, node, depth):
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        if node.id in FUNCTIONS:
            raise ValueError(f"function {node.id} must be called, as {node.id}(x)")
        if not (node.id.isalpha() and node.id.isascii() and len(node.id) <= 8):
            raise ValueError(f"name {node.id!r} is not allowed")
        if node.id.lower() in _NOT_VARIABLES or node.id == "I":   # 'nan' was the identity
            raise ValueError(f"activation formula: {node.id!r} reads as a number that is not "
                             "finite or not real, not as a variable; write the variable as x")
        if self.variable not in (None, node.id):
            raise ValueError(f"activation formula must use one variable, got "
                             f"{self.variable!r} and {node.id!r}")
        self.variable = node.id
        return Z

    def _UnaryOp(self, node, depth):
        operand = self.build(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ValueError(f"operator {type(node.op).__name__} is not allowed")

    def _BinOp(self, node, depth):
        if isinstance(node.op, ast.Pow):
            return self._power(node, depth)
        combine = _BINARY.get(type(node.op))
        if combine is None:
            raise ValueError(f"operator {type(node.op).__name__} is not allowed")
        return self.checked(combine(self.build(node.left, depth), self.build(node.right, depth)))

    def _power(self, node, depth):
        left = self.build(node.left, depth)
        growth = self.growth
        right = self.build(node.right, depth)
        if right.is_Number and abs(right) > MAX_EXPONENT:
            raise ValueError(f"exponent {right} too large (limit {MAX_EXPONENT})")
        if right.free_symbols:
            self._grow(growth)
        return self.checked(left**right)

    def _grow(self, before):
        self.growth = max(self.growth, before + 1)
        if self.growth > MAX_GROWTH_NESTING:
            raise ValueError(f"exp/sinh/cosh/powers with the variable in the exponent nested "
                             f"more than {MAX_GROWTH_NESTING} deep")

    def _Call(self, node, depth):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise ValueError(f"only calls of {', '.join(sorted(set(FUNCTIONS)))} are allowed, "
                             f"got {_describe(node.func)}")
        if node.keywords:
            raise ValueError(f"{node.func.id}() takes no keyword arguments")
        function, arity = FUNCTIONS[node.func.id]
        if (arity is None and len(node.args) < 2) or (arity and len(node.args) != arity):
            expected = "at least 2" if arity is None else str(arity)
            raise ValueError(f"{node.func.id}() takes {expected} argument(s), "
                             f"got {len(node.args)}")
        before = self.growth
        self.growth = 0
        args = [self.build(arg, depth) for arg in node.args]
        inner, self.growth = self.growth, before
        if node.func.id in _GROWTH:
            self._grow(inner)
        else:
            self.growth = max(before, inner)
        return self.checked(function(*args))


def _describe(node):
    if isinstance(node, ast.Attribute):
        return f"attribute access (.{node.attr})"
    if isinstance(node, ast.Name):
        return f"the name {node.id!r}"
    return f"a {type(node).__name__} expression"


_PROBES = tuple(sp.Rational(p) for p in ("-3", "-1", "-1/3", "1/2", "2", "5"))


def _check_real(phi, text):
    if phi.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise ValueError(f"activation {text.strip()!r} is not finite")
    try:
        domain = continuous_domain(phi, Z, sp.S.Reals)
    except NotImplementedError:  # erf and friends: entire, so only denominators can break it
        domain = sp.Complement(sp.S.Reals, sp.solveset(sp.denom(sp.together(phi)), Z, sp.S.Reals))
    except (TypeError, ValueError, BasePolynomialError) as err:
        raise ValueError(f"cannot tell where {text.strip()!r} is continuous: "
                         f"{_one_line(err)}") from None
    if domain != sp.S.Reals:
        raise ValueError(f"activation {text.strip()!r} is not continuous on the real line "
                         f"(only on {domain})")
    for point in _PROBES:
        value = phi.xreplace({Z: point}).evalf(20)
        if not (value.is_real and value.is_finite):
            raise ValueError(f"activation {text.strip()!r} is not real and finite at "
                             f"{point} (value {value})")
