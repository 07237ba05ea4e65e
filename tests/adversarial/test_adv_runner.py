"""The hostile-input runner itself: limits hold and the assertions can fail."""

import pytest

from tests.adversarial.hostile import assert_clean, assert_refused, rnngrad


def test_unknown_option_is_one_line_exit_2():
    # --T given: without it the refusal names the missing --T, not the unknown option
    assert_refused(rnngrad("sweep", "--T", "1", "--no-such-option"),
                   "unrecognized arguments: --no-such-option")


def test_assert_refused_fails_on_success():
    run = rnngrad("--help")
    assert_clean(run)
    with pytest.raises(AssertionError):
        assert_refused(run)
