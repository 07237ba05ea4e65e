"""Run the first source article's listing (read from stdin) in a fresh interpreter and print, as
JSON, what each defect the audit claims does when the code runs: the errors raised (type and the
listing's line numbers in the traceback) and the values the listing computes next to the right
ones, recomputed here by hand.  Used by tests/test_audit_truth.py."""

import json
import sys
import traceback

import numpy as np


def head(source):
    """The listing up to its print of the gradient norms (the part that runs)."""
    lines = source.split("\n")
    return "\n".join(lines[:next(i for i, line in enumerate(lines)
                                 if line.startswith('print("Gradient norms:")'))])


def failure(error):
    frames = traceback.extract_tb(error.__traceback__)
    return [type(error).__name__, [f.lineno for f in frames if f.filename == "<listing>"]]


def run(namespace, code):
    try:
        exec(compile(code, "<listing>", "exec"), namespace)
    except Exception as error:   # the listing's own error, reported
        return failure(error)
    return None


def deviation(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def observe(source):
    """What each claimed defect does when the listing runs, as a dict."""
    runnable = head(source)
    obs = {}
    try:
        compile(source, "<listing>", "exec")
        obs["compile"] = None
    except SyntaxError as error:
        obs["compile"] = ["SyntaxError", error.lineno]

    np.random.seed(0)
    plain = {}
    obs["run"] = run(plain, runnable)
    obs["steps_run"] = len(plain["rnn"].h_list)

    np.random.seed(0)
    ns = {"t": 0}                      # "even with t defined"
    obs["run_with_t"] = run(ns, runnable)
    rnn, grad_o = ns["rnn"], ns["grad_o"]
    units = rnn.rnn_units
    obs["units"] = len(units)
    obs["distinct_W_hh"] = len({u.W_hh.tobytes() for u in units})
    obs["first_state_shape"] = list(units[0].h_prev.shape)

    unit = units[-1]
    g = np.random.default_rng(1).standard_normal(unit.h.shape[-1])
    a = np.dot(unit.x, unit.W_xh) + np.dot(unit.h_prev, unit.W_hh) + unit.b_h   # pre-activation
    h = np.tanh(a)
    grad_h_prev, grad_W_xh, grad_W_hh, grad_b_h = unit.backward(g, grad_o)
    obs["deriv_is_of_h"] = deviation(grad_b_h, g * (1 - np.tanh(h) ** 2))
    obs["deriv_vs_true"] = deviation(grad_b_h, g * (1 - np.tanh(a) ** 2))
    obs["passback_without_deriv"] = deviation(grad_h_prev, np.dot(g, unit.W_hh.T))
    obs["passback_vs_true"] = deviation(grad_h_prev, np.dot(g * (1 - h ** 2), unit.W_hh.T))
    other = unit.backward(g, -3.0 * grad_o + 7.0)
    obs["grad_o_changes_result"] = max(deviation(x, y) for x, y in
                                       zip((grad_h_prev, grad_W_xh, grad_W_hh, grad_b_h), other,
                                           strict=True))

    units[0].h_prev = np.zeros((1, units[0].h_prev.size))   # only the shape error removed
    obs["unpack"] = run(ns, "grad_W_xh, grad_W_hh, grad_b_h = rnn.backward(grad_o)")
    lists = ns["grad_W_xh"], ns["grad_W_hh"], ns["grad_b_h"]
    obs["list_lengths"] = [len(x) for x in lists]
    by_step, g = {}, grad_o                  # the listing's recurrence, by hand, keyed by step
    for step in range(len(units) - 1, -1, -1):
        u = units[step]
        by_step[step] = g * (1 - np.tanh(u.h) ** 2)
        g = np.dot(g, u.W_hh.T)
    T = len(units)
    obs["entry_t_is_step_T-1-t"] = max(deviation(ns["grad_b_h"][t], by_step[T - 1 - t])
                                       for t in range(T))
    obs["entry_t_is_step_t"] = max(deviation(ns["grad_b_h"][t], by_step[t]) for t in range(T))
    return obs


if __name__ == "__main__":
    print(json.dumps(observe(sys.stdin.read())))
