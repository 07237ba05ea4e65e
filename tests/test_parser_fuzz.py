"""derive.parser under fuzzing: any text gives an Activation or a one-line ValueError, nothing
else; the fuzzers' findings kept as explicit regressions."""


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.activations import Activation
from derive.parser import MAX_LENGTH, parse_activation
from tests.parser_checks import assert_one_line as _assert_one_line

# --- 2. fuzzing: an Activation or a ValueError, nothing else -----------------------------------

FORMULA_ALPHABET = "xz0123456789.+-*/()_ eaptnhsbAMlgqrf,"


def _activation_or_value_error(text):
    try:
        result = parse_activation(text)
    except ValueError as err:
        _assert_one_line(err)
    else:
        assert isinstance(result, Activation)


def _fuzz(strategy, max_examples):
    """Run the property on ``max_examples`` draws of ``strategy``.

    The @given function is called from a plain test rather than collected itself, so that a
    failure does not make hypothesis' pytest plugin write a patch file under .hypothesis/; the
    falsifying example still appears in the failure report.
    """

    @settings(max_examples=max_examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def check(text):
        _activation_or_value_error(text)

    check()


def test_parse_activation_fuzz_any_text():
    _fuzz(st.text(), 2500)


def test_parse_activation_fuzz_formula_like_text():
    _fuzz(st.text(alphabet=FORMULA_ALPHABET, max_size=40), 1000)


def test_parse_activation_fuzz_long_formula_like_text():
    _fuzz(st.text(alphabet=FORMULA_ALPHABET, min_size=MAX_LENGTH - 20, max_size=MAX_LENGTH + 20),
          300)


# Inputs the fuzzers (and a grammar-based fuzz run) found; kept as explicit regressions.
FUZZ_FINDINGS = [
    "x", "+x", "1*x", "x+0", "max(x, x)",  # φ = z exactly
    "2**x", "3**x", "pi**x",  # a constant base to the power z
    "min(0.5, sech(min(3, x))**2.5)",  # found by a grammar-based fuzz run
]


@pytest.mark.parametrize("text", FUZZ_FINDINGS)
def test_parse_activation_fuzz_findings_activation_or_value_error(text):
    _activation_or_value_error(text)
