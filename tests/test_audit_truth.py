"""Issue 14, items 8, 11 and 13: the audit's own statements are true.  Each is checked against
an independent computation written here (NumPy, mpmath, a hand-written loop, the listing itself
run in a fresh interpreter), never against the code under test."""

import json
import math
import pathlib
import subprocess
import sys

import mpmath
import numpy as np
import pytest
import sympy as sp

from reports import doc
from reports.notes import audit_program, listing
from reports.notes.audit import claim_results, plain
from reports.notes.audit_claims import claims
from reports.notes.audit_defects import DEFECTS, defect_lines
from tests.corrected_run import corrected_run

HERE = pathlib.Path(__file__).parent


def _claim(where, starting):
    return next(c for c in claims() if plain(c.where) == where
                and plain(c.quote).startswith(starting))


# ---- item 11: the listing's defects happen when the listing runs ---------------------------


@pytest.fixture(scope="module")
def ran():
    """What the listing does, run verbatim in a fresh interpreter (tests/listing_run.py)."""
    out = subprocess.run([sys.executable, str(HERE / "listing_run.py")], input=listing.ORIGINAL,
                         capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout)


def _line(code):
    (number,) = listing.lines_with(code)
    return number


def test_listing_stops_where_defects_one_and_six_say(ran):
    last = len(listing.ORIGINAL.split("\n"))
    assert ran["compile"] == ["SyntaxError", last]           # the unfinished last line
    kind, frames = ran["run"]
    assert kind == "NameError" and frames[-1] == _line("x[:, t]") and ran["steps_run"] == 0
    kind, frames = ran["run_with_t"]                            # "even with t defined"
    assert kind == "ValueError" and frames[-1] == _line("np.dot(self.h_prev.T")
    assert ran["first_state_shape"] == [20]                     # a flat vector
    cited = defect_lines()
    assert {_line("x[:, t]"), last} <= set(cited[0]) and frames[-1] in cited[5]
    first, sixth = (plain(DEFECTS[i][1]) for i in (0, 5))
    assert "NameError" in first and "SyntaxError" in first and "shape error" in sixth


def test_listing_values_are_wrong_where_defects_two_to_five_say(ran):
    assert ran["units"] == ran["distinct_W_hh"] == 100          # no shared weights
    assert ran["deriv_is_of_h"] < 1e-12 < 1e-3 < ran["deriv_vs_true"]         # tanh'(h)
    assert ran["passback_without_deriv"] == 0 and ran["passback_vs_true"] > 1e-3   # no D_k
    assert ran["grad_o_changes_result"] == 0                    # grad_o unused


def test_listing_lists_run_backwards_and_unpack_fine(ran):
    """Defect 7 by running; and unpacking the three returned lists into three names is valid
    Python, so no defect may say otherwise."""
    assert ran["unpack"] is None and ran["list_lengths"] == [100, 100, 100]
    assert ran["entry_t_is_step_T-1-t"] == 0 and ran["entry_t_is_step_t"] > 1
    assert not any("unpack" in plain(text) for _, text in DEFECTS)


# ---- item 11: the corrections -------------------------------------------------------------


def test_singular_value_claim_is_wrong_with_a_counterexample():
    """σ_max(A) ≈ 5.05 > 1 for A = [[1/2, 5], [0, 1/2]], yet A^k → 0 (NumPy)."""
    A = np.array([[0.5, 5.0], [0.0, 0.5]])
    sigma = np.linalg.norm(A, 2)
    assert sigma == pytest.approx(5.0495097567963922, rel=1e-14)
    assert np.linalg.norm(np.linalg.matrix_power(A, 200), 2) < 1e-55
    claim = _claim("2", '"The norm of a matrix product')
    assert plain(claim.verdict) == "wrong"
    assert "不可避免" in plain(claim.quote, "zh")
    assert "next sentence is false" in plain(claim.reason)
    values = {q.name.en: q.exact for q in claim.quantities}
    assert float(values["largest singular value of A"]) == pytest.approx(sigma, rel=1e-14)
    assert values["spectral radius of A"] == sp.Rational(1, 2)
    assert values["Frobenius norm of A^k as k goes to infinity"] == 0
    assert float(values["spectral norm of A^100"]) == pytest.approx(
        np.linalg.norm(np.linalg.matrix_power(A, 100), 2), rel=1e-12)


def _sup_derivative(dphi, start):
    """max φ' by mpmath: the root of φ'' near ``start`` (50 digits)."""
    with mpmath.workdps(50):
        x = mpmath.findroot(lambda z: mpmath.diff(dphi, z), start)
        return dphi(x)


def test_lower_bound_row_gives_c_norm_per_step_and_sigma_min_over_steps():
    rng = np.random.default_rng(3)
    c = 1.5
    for _ in range(200):                                       # one step: ‖DW‖ ≥ c‖W‖
        D, W = np.diag(rng.uniform(c, 3 * c, 4)), rng.standard_normal((4, 4))
        assert np.linalg.norm(D @ W, 2) >= c * np.linalg.norm(W, 2) * (1 - 1e-12)
        Ds = [np.diag(rng.uniform(c, 3 * c, 4)) for _ in range(5)]
        product = np.linalg.multi_dot([d @ W for d in Ds])
        s_min = np.linalg.svd(W, compute_uv=False)[-1]
        assert np.linalg.norm(product, 2) >= (c * s_min) ** 5 * (1 - 1e-9)
    N = np.array([[0.0, 1.0], [0.0, 0.0]])                    # submultiplicative only
    assert np.linalg.norm(2 * N, 2) == 2 and np.linalg.norm((2 * N) @ (2 * N), 2) == 0
    claim = _claim("3.3", '"Specifically')
    assert plain(claim.verdict) == "wrong"
    bounds = [p.expr for p in claim.recomputed if isinstance(p, doc.Math)]
    assert "c*||W_hh||_2" in sp.sstr(bounds[0].rhs) and "sigma_min" in sp.sstr(bounds[1].rhs)
    silu = _sup_derivative(lambda z: mpmath.diff(lambda u: u / (1 + mpmath.exp(-u)), z), 2.4)
    gelu = _sup_derivative(lambda z: mpmath.ncdf(z) + z * mpmath.npdf(z), 1.4)
    values = {q.name.en: q.exact for q in claim.quantities}
    assert float(values["gamma_phi of silu"]) == pytest.approx(float(silu), rel=1e-12)
    assert float(values["gamma_phi of gelu"]) == pytest.approx(float(gelu), rel=1e-14)
    assert values["norm of the two-step product (2N)^2"] == 0
    text = plain(claim.reason)
    assert "(silu)" in text and "(gelu)" in text and "No common saturating" not in text
    for dphi in (lambda z: mpmath.sech(z) ** 2,                # tanh, the sigmoid: never > 1
                 lambda z: mpmath.exp(-z) / (1 + mpmath.exp(-z)) ** 2):
        assert max(dphi(mpmath.mpf(z) / 8) for z in range(-200, 201)) <= 1


def test_relu_row_quotes_the_article_and_names_the_cause():
    claim = _claim("4", '"For example, if we use ReLU')
    seed = "其导数在正区间内为1,在负区间内为0"                    # the first article, section 4
    assert seed in plain(claim.quote, "zh")
    text = plain(claim.reason)
    assert "1 on the positive range, 0 on the negative" in text and "never exceeds 1" in text
    assert "does not cause it" in text and "rho(W_hh) > 1" in text


# ---- item 13: each claim stores what was recomputed -----------------------------------------


def test_results_store_each_recomputed_quantity_with_name_unit_and_exact_value():
    entries = claim_results(claims())
    text = json.dumps(entries, allow_nan=False, sort_keys=True)
    assert text == json.dumps(claim_results(claims()), allow_nan=False, sort_keys=True)
    for entry in entries:
        assert entry["claim"] and entry["verdict"] and entry["reason"] and entry["quantities"]
        for q in entry["quantities"]:
            assert q["name"] and q["name_zh"] and q["unit"] and q["exact"]
            assert (q["float"] is None) == ("float_note" in q)
        finite = [q["float"] for q in entry["quantities"] if q["float"] is not None]
        assert entry["value"] == (finite[0] if finite else None)
    by_name = {q["name"]: q for e in entries for q in e["quantities"]}
    with mpmath.workdps(40):
        assert by_name["1.5^100"]["float"] == float(mpmath.mpf(1.5) ** 100)
        assert by_name["1.5^100"]["exact"] == f"{3 ** 100}/{2 ** 100}"
        assert by_name["0.5^100"]["float"] == float(mpmath.mpf(0.5) ** 100)
    W = np.array([[0.9, 5.0], [0.0, 0.9]])
    assert by_name["spectral norm of W^10"]["float"] == pytest.approx(
        np.linalg.norm(np.linalg.matrix_power(W, 10), 2), rel=1e-13)
    assert by_name["gamma_phi of sigmoid"]["exact"] == "1/4"
    symbolic = by_name["bound on the norm of one step dh_t/dh_t-1"]
    assert symbolic["float"] is None and "symbolic" in symbolic["float_note"]
    defects = next(e for e in entries if e["article"] == "seed000" and e["where"] == "5")
    defects = defects["quantities"][0]
    assert defects["unit"] == "defects" and defects["float"] == len(DEFECTS) == 7


# ---- item 8: the corrected program names what it measures ---------------------------------


def _hand_run():
    """Norms of δ_k, of δ_k h_{k−1}ᵀ, and of δ_k with tanh' replaced by 1, for k = 1..T."""
    _, h, _, deltas, bares = corrected_run()
    T = len(deltas)
    return {"delta": np.array([np.linalg.norm(deltas[k]) for k in range(1, T + 1)]),
            "contribution": np.array([np.linalg.norm(np.outer(deltas[k], h[k - 1]))
                                      for k in range(1, T + 1)]),
            "bare": np.array([np.linalg.norm(bares[k]) for k in range(1, T + 1)])}


def test_corrected_program_names_each_measured_quantity():
    hand = _hand_run()
    data, _ = audit_program.measured()
    decays = {key: np.diff(np.log10(v[v > 0])) for key, v in hand.items()}
    for key, name in (("delta", "error"), ("contribution", "contribution"),
                      ("bare", "error_without_derivative")):
        got = data[name]
        assert got["mean"] == pytest.approx(decays[key].mean(), rel=1e-10)
        assert got["min"] == pytest.approx(decays[key].min(), rel=1e-10)
    assert data["contribution"]["from_step"] == 2 and hand["contribution"][0] == 0
    assert "h_(k-1)" in data["contribution"]["quantity"]
    assert "h_" not in data["error"]["quantity"] and data["bound_applies_to"] == "error"
    assert data["bound_decades_per_step"] == pytest.approx(-math.log10(0.9), rel=1e-12)
    assert decays["delta"].min() >= data["bound_decades_per_step"]


def test_corrected_program_text_prints_the_numbers_of_the_quantity_it_names():
    hand = _hand_run()
    decays = {key: np.diff(np.log10(v[v > 0])) for key, v in hand.items()}
    data, _ = audit_program.measured()
    text = plain(audit_program.paragraph(data).parts)
    four = {key: (f"{d.mean():.4g}", f"{d.min():.4g}") for key, d in decays.items()}
    assert four["delta"] == ("0.7488", "0.4177") and four["contribution"] == ("0.75", "0.3886")
    error_at, contribution_at = text.index("error delta_k"), text.index("contributions ||")
    assert error_at < text.index(four["delta"][0]) < text.index(four["delta"][1]) \
        < contribution_at < text.index("0.7500") < text.index(four["contribution"][1])
    assert text.index("0.04576") < contribution_at and text.index(four["bare"][0]) > 0
    caption = plain(audit_program.caption(data))
    assert "0.7500" in caption and "0.7488" in caption and "exactly zero" in caption
