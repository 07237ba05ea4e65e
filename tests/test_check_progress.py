"""rnngrad check: progress on stderr once a run is long, never on stdout or in the JSON
(issue 16 item 9), and the cost estimate applied to cell cases: refused before any work with
the estimate unless --force."""

import io
import json
import threading

import derive
import numeric
import reports.check_cli as check_cli
from reports.cli import main
from reports.progress import still_working

PLAIN = {"activation": "tanh", "W_hh": [[0.5, -0.3], [0.2, 0.4]], "W_xh": [[1.0], [0.5]],
         "x": [[0.1], [-0.2], [0.3]], "y": [0.1, -0.1]}
ELMAN = {"cell": "elman", "weight_ih": [[1.0], [0.5]], "weight_hh": [[0.5, -0.3], [0.2, 0.4]],
         "x": [[0.1], [-0.2]], "y": [0.1, -0.1]}


def _write(tmp_path, data, name="case.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def _checks(case, progress=None):
    return {name: report.to_dict()
            for name, report in numeric.run_checks(case, progress=progress).items()}


def test_check_progress_goes_to_stderr_only(tmp_path, capsys, monkeypatch):
    path = _write(tmp_path, PLAIN)
    assert main(["check", path, "--json"]) == 0
    quiet = capsys.readouterr()
    assert quiet.err == ""                      # a run shorter than the delay stays silent
    monkeypatch.setattr(check_cli, "ESTIMATE_LINE_S", 0.0)    # every run now "long":
    monkeypatch.setattr(check_cli, "PROGRESS_DELAY_S", 0.0)   # estimated and run so
    assert main(["check", path, "--json"]) == 0
    loud = capsys.readouterr()
    assert loud.out == quiet.out                # the JSON is the same, progress never in it
    json.loads(loud.out)
    estimate, *lines = loud.err.splitlines()    # not a terminal: the quarters passed
    assert estimate.startswith("rnngrad check: the checks take about 0 s (n = 2, T = 3)")
    assert 1 <= len(lines) <= 4 and all(line.startswith("rnngrad check: ") for line in lines)
    assert "(100%)" in lines[-1] and "done" in lines[-1]


def test_run_checks_reports_between_and_inside_the_checks():
    case = numeric.case_from_dict(PLAIN)
    calls = []
    checks = _checks(case, lambda done, total, what: calls.append((done, total, what)))
    assert checks == _checks(case)              # progress does not change a verdict
    done = [d for d, _, _ in calls]
    assert {t for _, t, _ in calls} == {calls[0][1]} and done == sorted(done)
    assert done[-1] == calls[0][1] and calls[-1][2] == "checks done"
    texts = [w for _, _, w in calls]
    for stage in ("mpmath oracle", "central differences", "Richardson differences",
                  "complex step", "mpmath"):
        assert f"{stage}: starting" in texts
    # inside the loops: every J_k of the T = 3 steps, every entry of the 2 × 2 dL/dW_hh
    assert [w for w in texts if w.startswith("central differences: J_k")] == \
        [f"central differences: J_k {k} of 3" for k in (1, 2, 3)]
    assert [w for w in texts if w.startswith("Richardson differences: dL/dW_hh")] == \
        [f"Richardson differences: dL/dW_hh entry {i} of 4" for i in (1, 2, 3, 4)]
    assert "mpmath oracle: product step 3 of 3" in texts


def test_cell_checks_report_each_check():
    calls = []
    numeric.run_checks(numeric.case_from_dict(ELMAN),
                       progress=lambda done, total, what: calls.append((done, what)))
    # each check as it starts, each J_k of the T = 2 steps (1/3 and 2/3 of a check: the
    # gradients are the third), the end
    assert [w for _, w in calls] == [
        "central differences: starting", "central differences: J_k 1 of 2",
        "central differences: J_k 2 of 2", "Richardson differences: starting",
        "Richardson differences: J_k 1 of 2", "Richardson differences: J_k 2 of 2",
        "complex step: starting", "complex step: J_k 1 of 2", "complex step: J_k 2 of 2",
        "mpmath: starting", "checks done"]
    assert [d for d, _ in calls] == [0, 333, 666, 1000, 1333, 1666, 2000, 2333, 2666, 3000,
                                     4000]


def test_cell_case_cost_counts_state_and_parameters():
    n, T = 32, 20
    zeros = [[0.0] * n for _ in range(4 * n)]
    lstm = numeric.case_from_dict({"cell": "lstm", "weight_ih": [[0.1]] * (4 * n),
                                   "weight_hh": zeros, "x": [[0.1]] * T})
    # by hand: S = 2n (h and c), P = 4n·1 + 4n·n + 4n + 4n, 4 gate inputs of n each
    expected = numeric.cell_check_seconds("lstm", T, 2 * n, 4 * n * (1 + n + 2), 4 * n)
    assert numeric.case_check_seconds(lstm) == expected
    assert expected > numeric.CHECK_BUDGET_S    # measured: 13 s at T = 2, so minutes at 20
    assert numeric.case_check_seconds(numeric.case_from_dict(ELMAN)) < 5
    assert derive.cell_kind("lstm").state == ("h", "c")


def test_cell_case_beyond_the_budget_is_refused_unless_forced(tmp_path, capsys, monkeypatch):
    path = _write(tmp_path, ELMAN)
    monkeypatch.setattr(numeric, "case_check_seconds", lambda case: 3 * 3600.0)
    assert main(["check", path]) == 2
    refused = capsys.readouterr()
    assert refused.out == "" and refused.err.count("\n") == 1
    assert "--force" in refused.err and "cell elman, n = 2, S = 2, T = 2" in refused.err
    assert "3 hours" in refused.err
    assert main(["check", path, "--force", "--json"]) == 0
    forced = capsys.readouterr()
    assert json.loads(forced.out)["passed"] is True
    assert forced.err.startswith("rnngrad check: the checks take about 3 hours")


class Written(io.StringIO):
    """A stream that says when something was written to it (a terminal unless ``tty`` is
    False)."""

    def __init__(self, tty=True):
        super().__init__()
        self.event, self.tty = threading.Event(), tty

    def isatty(self):
        return self.tty

    def write(self, text):
        self.event.set()
        return super().write(text)


def test_derive_says_it_is_still_working_once_long_and_never_when_short():
    long_run = Written()
    with still_working("rnngrad derive", "the derivation", delay=0.0, stream=long_run):
        assert long_run.event.wait(10)      # the block outlasts the delay: the line is due
    assert long_run.getvalue() == "rnngrad derive: still working on the derivation\n"
    short_run = Written()
    with still_working("rnngrad derive", "the derivation", delay=3600.0, stream=short_run):
        pass
    assert short_run.getvalue() == "" and not short_run.event.wait(0.05)
    pipe = Written(tty=False)                # a log or a pipe: the result alone
    with still_working("rnngrad derive", "the derivation", delay=0.0, stream=pipe):
        pass
    assert pipe.getvalue() == ""
