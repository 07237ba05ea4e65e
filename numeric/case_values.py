"""Values of a parsed case file: finite numbers, rectangular float64 arrays and the activation,
each refused with one line that names the key (shared by both case formats)."""

import numpy as np


def activation(data, derive):
    """The derive Activation of ``data["activation"]`` (a registered name or a formula) with
    the optional ``data["alpha"]``."""
    name = data["activation"]
    if not isinstance(name, str):
        raise ValueError(f"activation must be a string, got {shown(name)}")
    if name in derive.activation_names():
        if data.get("alpha") is None:
            return derive.activation(name)
        if "alpha" not in derive.activation_parameters(name):
            raise ValueError(f"alpha applies to the registered leaky_relu and elu only, "
                             f"not to {name}")
        return derive.activation(name, alpha=number(data["alpha"], "alpha"))
    if "alpha" in data:
        raise ValueError("alpha applies to the registered leaky_relu and elu only")
    if name.strip().isidentifier():  # a bare name is a typo of a registered one, not "φ = x"
        raise ValueError(f"unknown activation {name!r}; expected one of: "
                         f"{', '.join(derive.activation_names())}, or a formula such as "
                         f"'x/(1+Abs(x))'")
    return derive.parse_activation(name)


def number(value, name):
    """``value`` as a finite float; ValueError naming ``name`` otherwise (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, got {shown(value)}")
    try:
        result = float(value)
    except OverflowError:
        raise ValueError(f"{name} is too large for float64") from None
    if not np.isfinite(result):
        raise ValueError(f"{name} must be finite, got {result!r}")
    return result


def array(value, name, ndim):
    """A float64 array from nested lists of numbers, with ``ndim`` dimensions (None: any)."""
    def walk(item, path):
        if isinstance(item, list):
            return [walk(v, f"{path}[{i}]") for i, v in enumerate(item)]
        return number(item, path)

    if not isinstance(value, list):
        raise ValueError(f"{name} must be a list, got {shown(value)}")
    levels = nesting(value)
    if levels > (ndim or 2):
        raise ValueError(f"{name} must be {_SHAPES[ndim]}, got {levels} levels")
    try:
        result = np.array(walk(value, name), dtype=float)
    except ValueError as err:
        if str(err).startswith(name):
            raise
        raise ValueError(f"{name} must be rectangular (rows of equal length)") from None
    if result.size == 0:
        raise ValueError(f"{name} must not be empty")
    if ndim is not None and result.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {result.shape}")
    return result


_SHAPES = {1: "a vector (1 level of lists)", 2: "a matrix (2 levels of lists)",
           None: "a vector or a matrix (1 or 2 levels of lists)"}


def nesting(value):
    """How many levels of lists ``value`` has at its deepest, counted without recursion (a
    500-deep JSON array must not exhaust Python's stack): 0 for a number, 1 for [1, 2],
    2 for [[1], [2]].

    >>> nesting([[1, 2], [3, [4]]])
    3
    """
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, list):
            deepest = max(deepest, depth + 1)
            stack.extend((entry, depth + 1) for entry in item if isinstance(entry, list))
    return deepest


def json_kind(value):
    """What a parsed JSON value is, in JSON's words (Python named null 'NoneType').

    >>> json_kind(None), json_kind([1]), json_kind(True), json_kind(2.5), json_kind({})
    ('null', 'an array', 'true', 'a number', 'an object')
    """
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    return {list: "an array", str: "a string", dict: "an object"}.get(type(value), "a number")


def shown(value):
    """``json_kind`` with a string's text (up to 40 characters): 'a string "0.2"'."""
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f'a string "{text}"'
    return json_kind(value)
