"""Case files that would mean two things, or nest deeper than their shape: refused by name.
numeric.Case refuses a non-finite target y as it refuses every other non-finite array."""

import json

import numpy as np
import pytest

import derive
import numeric
from numeric.case_values import nesting
from reports.checking import parse_case_text
from tests.check_cases import EXAMPLE, assert_bad_input, run, write_case


def _nested(levels, leaf=0.5):
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


def _levels_by_hand(value):
    """Nesting depth by recursion (the test's own oracle; small inputs only)."""
    if not isinstance(value, list):
        return 0
    return 1 + max((_levels_by_hand(item) for item in value), default=0)


@pytest.mark.parametrize("value", [0.5, [], [1, 2], [[1], [2, 3]], [[1, [2]], 3],
                                   [[[]]], _nested(7), [1, _nested(5), [[2]]]])
def test_nesting_counts_levels_like_a_recursive_count(value):
    assert nesting(value) == _levels_by_hand(value)


def test_nesting_of_a_100000_deep_list_needs_no_recursion():
    value = []
    for _ in range(100000):
        value = [value]
    assert nesting(value) == 100001


def test_case_with_a_repeated_key_is_refused():
    text = json.dumps(EXAMPLE).replace('"activation": "tanh"',
                                       '"activation": "tanh", "activation": "relu"')
    assert json.loads(text)["activation"] == "relu"   # what json alone would have checked
    with pytest.raises(ValueError) as info:
        parse_case_text(text, "case.json")
    assert str(info.value) == "case.json: the key 'activation' appears twice; give each key once"


@pytest.mark.parametrize("key,levels,shape", [
    ("W_hh", 100, "a matrix (2 levels of lists)"),
    ("W_hh", 500, "a matrix (2 levels of lists)"),
    ("W_hh", 3, "a matrix (2 levels of lists)"),
    ("b_h", 2, "a vector (1 level of lists)"),
    ("y", 3, "a vector or a matrix (1 or 2 levels of lists)"),
])
def test_case_array_nested_too_deep_names_key_and_levels(key, levels, shape):
    case = dict(EXAMPLE, **{key: _nested(levels)})
    with pytest.raises(ValueError) as info:
        parse_case_text(json.dumps(case))
    assert str(info.value) == f"{key} must be {shape}, got {levels} levels"


def test_cell_case_parameter_nested_too_deep_names_it():
    case = {"cell": "elman", "weight_ih": [[1.0]], "weight_hh": _nested(300), "x": [[0.1]]}
    with pytest.raises(ValueError) as info:
        parse_case_text(json.dumps(case))
    assert str(info.value) == ("weight_hh must be a matrix (2 levels of lists), got 300 levels")


def test_check_cli_refuses_repeated_key_and_deep_array(capsys, tmp_path):
    text = json.dumps(EXAMPLE).replace('"W_hh":', '"W_hh": [[1.0, 0], [0, 1]], "W_hh":')
    status, out, err = run(capsys, "check", str(write_case(tmp_path, text)))
    assert_bad_input(status, out, err)
    assert "the key 'W_hh' appears twice" in err
    deep = dict(EXAMPLE, x=_nested(500))
    status, out, err = run(capsys, "check", str(write_case(tmp_path, deep, "deep.json")))
    assert_bad_input(status, out, err)
    assert "x must be a matrix (2 levels of lists), got 500 levels" in err


def test_derive_case_refuses_repeated_key(capsys, tmp_path):
    case = {"cell": "elman", "weight_ih": [[1.0]], "weight_hh": [[0.5]], "x": [[0.1]]}
    text = json.dumps(case).replace('"cell": "elman"', '"cell": "elman", "cell": "indrnn"')
    status, out, err = run(capsys, "derive", "--cell", "elman", "--case",
                           str(write_case(tmp_path, text)))
    assert_bad_input(status, out, err)
    assert "the key 'cell' appears twice" in err


def _case(y):
    return numeric.Case(derive.activation("tanh"), np.array([[0.5]]), np.array([[1.0]]),
                        np.zeros(1), np.zeros(1), np.array([[0.1], [0.2]]), y)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("shape", [(1,), (2, 1)])
def test_case_refuses_non_finite_target(bad, shape):
    y = np.zeros(shape)
    y.flat[-1] = bad
    with pytest.raises(ValueError, match="^y has non-finite entries$"):
        _case(y)


def test_case_accepts_finite_target():
    assert _case(np.array([0.25])).y.tolist() == [0.25]


@pytest.mark.parametrize("changes, message", [
    ({"activation": 3}, "activation must be a string, got a number"),
    ({"activation": None}, "activation must be a string, got null"),
    ({"W_hh": [[True]]}, "W_hh[0][0] must be a number, got true"),
    ({"W_hh": {"a": 1}}, "W_hh must be a list, got an object"),
    ({"y": ["0.5"]}, 'y[0] must be a number, got a string "0.5"'),
])
def test_case_of_the_wrong_json_kind_is_named_in_json_words(changes, message):
    """Before: Python's names (int, NoneType, bool, dict, str) for values a student typed."""
    with pytest.raises(ValueError) as info:
        parse_case_text(json.dumps(dict(EXAMPLE, **changes)))
    assert str(info.value) == message
