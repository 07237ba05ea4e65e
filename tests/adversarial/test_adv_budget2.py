"""A cell case whose check would run for many minutes (an LSTM, n = 16, T = 2000: the file is
small) is refused at once with the estimate and --force, through the real command line; it
ran silently before (issue 16 item 9)."""

import json

from tests.adversarial.hostile import assert_refused, rnngrad


def test_long_cell_case_is_refused_before_any_work(tmp_path):
    n, T = 16, 2000
    case = {"cell": "lstm", "weight_ih": [[0.1]] * (4 * n),
            "weight_hh": [[0.01] * n for _ in range(4 * n)], "x": [[0.1]] * T,
            "y": [0.0] * n}
    path = tmp_path / "lstm.json"
    path.write_text(json.dumps(case))
    assert_refused(rnngrad("check", path, timeout=30), "--force", "cell lstm", "S = 32")
