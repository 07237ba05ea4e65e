"""``rnngrad check --help`` documents the case file completely: its example passes, its
'required' column is what the parser does, the loss, shapes and exit statuses are stated."""

import json
import re

from tests.check_cases import (
    EXAMPLE,
    check_json,
    run,
)

# --- the help text documents the case file completely ------------------------------------------

CASE_KEYS = ("activation", "alpha", "W_hh", "W_xh", "b_h", "h0", "x", "y")


def check_help(capsys):
    status, out, err = run(capsys, "check", "--help")
    assert status == 0 and err == ""
    return out


def help_example(text):
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("{"))
    stop = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith("}"))
    return json.loads("\n".join(lines[start:stop + 1]))


def help_table(text):
    """{key: 'yes' | 'no'} from the key table of the help (the 'required' column)."""
    rows = re.findall(r"^  (\w+) {2,}(.+?) {2,}(yes|no) {2,}", text, flags=re.MULTILINE)
    return {key: required for key, _, required in rows}


def test_check_help_example_is_a_passing_case(capsys, tmp_path):
    example = help_example(check_help(capsys))
    assert example == EXAMPLE
    status, data, _ = check_json(capsys, tmp_path, example)
    assert status == 0 and data["passed"] is True


def test_check_help_lists_every_key_and_which_are_required(capsys, tmp_path):
    """The help's 'required' column agrees with what the parser does when a key is left out."""
    table = help_table(check_help(capsys))
    assert tuple(table) == CASE_KEYS
    for key in CASE_KEYS:
        case = {k: v for k, v in {**EXAMPLE, "activation": "elu", "alpha": 0.5}.items()
                if k != key}
        status, _, err = check_json(capsys, tmp_path, case)
        assert (status == 2) == (table[key] == "yes"), (key, err)


def test_check_help_states_loss_shapes_and_exit_codes(capsys):
    text = check_help(capsys)
    assert "h_t = phi(W_hh h_(t-1) + W_xh x_t + b_h) for t = 1..T" in text
    assert "L = 1/2 ||h_T - y||^2 (shape n)" in text
    assert "L = 1/2 sum_t ||h_t - y_t||^2 (shape T x n)" in text
    for key, shape in (("W_hh", "n x n"), ("W_xh", "n x m"), ("b_h", "n"), ("h0", "n"),
                       ("x", "T x m"), ("y", "n, or T x n")):
        assert re.search(rf"^  {key} +{re.escape(shape)}  ", text, flags=re.MULTILINE), key
    assert ("exit status: 0 every check performed passed, 1 a check failed or none could be "
            "performed,\n2 bad input") in text
    assert "design" not in text.lower()
