"""The section 'sec:grads-check' (reports/notes/grads_check.py): the table of mistakes against an
independent computation (the expected codes listed here, and a hand-written NumPy BPTT of the
2 x 2 example with three of the mistakes made by hand), the seed program's departure against a
NumPy loop, both languages, and every symbol in the notation table."""

import numpy as np
import pytest

from reports import doc
from reports.notes import grads_check, grads_check_seed, notation
from reports.notes.vector_example import CASE
from tests.notes_checks import CJK, assert_languages, stray_markers, texts

# the table's rows in order, each with the code its mistake should be named by
EXPECTED = ("transposed", "sign", "scaled", "transposed", "missing_activation_derivative",
            "missing_activation_derivative", "time_shift", "time_shift", "time_shift",
            "time_shift", "missing_immediate_term", "truncated")


@pytest.fixture(scope="module")
def built():
    return grads_check.build(None)


def hand_bptt(recursion="WT", shift_h=False, last_only=False):
    """∂L/∂(W_hh, W_xh, b_h) of h_k = tanh(W h_{k−1} + U x_k + b), L = ½‖h_T − y‖², by a plain
    loop; ``recursion`` "W" passes g back through W instead of Wᵀ, ``shift_h`` uses h_k for
    h_{k−1}, ``last_only`` keeps the k = T term alone."""
    W, U = np.array(CASE["W_hh"]), np.array(CASE["W_xh"])
    b, x, y = np.array(CASE["b_h"]), np.array(CASE["x"]), np.array(CASE["y"])
    h = [np.array(CASE["h0"])]
    for x_k in x:
        h.append(np.tanh(W @ h[-1] + U @ x_k + b))
    T = len(x)
    G = {"W_hh": np.zeros_like(W), "W_xh": np.zeros_like(U), "b_h": np.zeros_like(b)}
    g = h[T] - y
    for k in range(T, 0, -1):
        delta = (1 - h[k] ** 2) * g
        G["W_hh"] += np.outer(delta, h[k] if shift_h else h[k - 1])
        G["W_xh"] += np.outer(delta, x[k - 1])
        G["b_h"] += delta
        g = (W if recursion == "W" else W.T) @ delta
        if last_only:
            break
    return G


def worst_rel(supplied, derived):
    return max(float(np.max(np.abs(supplied[n] - d)[d != 0] / np.abs(d[d != 0])))
               for n, d in derived.items())


def test_grads_table_codes_match_the_expected_mistakes(built):
    _, results = built
    rows = results["grads_check_mistakes"]
    assert [r["expected"] for r in rows] == list(EXPECTED)
    assert [r["diagnosis"] for r in rows] == [[code] for code in EXPECTED]
    assert not any(r["passed"] for r in rows)


@pytest.mark.parametrize(("key", "mistake"), [
    ("transposed recursion", {"recursion": "W"}),
    ("time_shift h+1", {"shift_h": True}),
    ("truncated 1", {"last_only": True}),
    ("sign", None),
])
def test_grads_rows_against_a_hand_written_bptt(built, key, mistake):
    """The mistaken gradient the section checks equals the hand-made one (1e-12), and the
    table's relative error is the hand computation's, to the 3 digits it prints."""
    derived = hand_bptt()
    if mistake is None:
        hand = {n: -v for n, v in derived.items()}
    else:
        hand = hand_bptt(**mistake)
    supplied = {k: s for k, _, _, s in grads_check.candidates(grads_check.case())}[key]
    for name, value in hand.items():
        np.testing.assert_allclose(supplied[name], value, rtol=1e-12, atol=1e-15)
    section, results = built
    row = next(r for r in results["grads_check_mistakes"] if r["mistake"] == key)
    assert row["max_rel_error"] == pytest.approx(worst_rel(hand, derived), rel=1e-9)
    table = next(b for b in section.blocks if isinstance(b, doc.Table))
    shown = float(table.rows[[r["mistake"] for r in results["grads_check_mistakes"]]
                             .index(key)][3].expr)
    assert shown == pytest.approx(worst_rel(hand, derived), rel=5e-3)


def test_grads_seed_departs_one_step_back(built):
    """The seed's errors g_k (W_hhᵀ without D_k) equal the true ∂L/∂h_T at k = T and differ at
    k = T − 1 (NumPy, the true g_{T−1} = W_hhᵀ D_T g_T); rnngrad says k = T − 1, no code."""
    _, results = built
    seed = results["grads_check_seed"]
    case, h = grads_check_seed.seed_case()
    T, W = len(case.x), case.W_hh
    g_T = h[T] - case.y
    np.testing.assert_allclose(g_T, np.ones(len(g_T)), rtol=1e-12)
    true_prev, seed_prev = W.T @ ((1 - h[T] ** 2) * g_T), W.T @ g_T
    assert np.max(np.abs(true_prev - seed_prev)) > 1e-3 * np.max(np.abs(true_prev))
    assert seed["departs_at"] == T - 1 and seed["diagnosis"] == [] and not seed["passed"]


def test_grads_both_languages_and_notation(built):
    section, _ = built
    assert_languages(section)
    assert stray_markers(section) == []
    assert notation.unlisted(section) == set()
    table = next(b for b in section.blocks if isinstance(b, doc.Table))
    cells = [p for row in table.rows for p in (row[0] if isinstance(row[0], tuple) else (row[0],))
             if isinstance(p, doc.Text)]
    assert cells and all(CJK.search(t.zh) for t in cells if t.zh.strip(" ，、（）-"))
    assert any("核验" in t.zh for t in texts(section))
