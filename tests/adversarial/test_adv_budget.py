"""Hostile sizes and short inputs that never finished (issue 16 items 8, 9, 13): each is
refused at once through the real command line, in one line with exit 2, under the runner's
3 GiB address-space limit.  (Six Max/Abs terms, derive --hidden 1000 and the long check are
refused in-process in tests/test_limits.py: each subprocess here costs about 2 s.)"""

import pytest

from tests.adversarial.hostile import assert_refused, rnngrad

NESTED = "sin(" * 40 + "x" + ")" * 40


@pytest.mark.parametrize("args, words", [
    (("sweep", "--w", "0:1:1000000000", "--T", "1"), ("--w", "10^9", "GiB")),
    (("derive", "--activation", "elu", "--alpha", "1e100000000", "--hidden", "1", "--steps",
      "1"), ("--alpha", "exponent")),
    (("derive", "--activation", "tanh", "--hidden", "1" * 100, "--steps", "1"),
     ("--hidden", "digits")),
    (("derive", "--formula", NESTED, "--hidden", "1", "--steps", "1"), ("nested 40 deep",)),
    (("sweep", "--w", "0.5", "--T", "3", "--seed", "-1"), ("--seed",)),
])
def test_hostile_size_is_refused_in_one_line(args, words):
    assert_refused(rnngrad(*args, timeout=30), *words)

