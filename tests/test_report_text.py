"""What the report says: strict results.json with every audit claim, no internal document
named, the case-file format, the necessary condition, the seeds it uses, unambiguous notation
in math mode, and the two losses named."""

import inspect
import json
import re
from fractions import Fraction

import numpy as np
import pytest
import sympy

import derive
import numeric
from reports import figures, report
from reports import sections_more as more
from tests.conftest import section


def _strict(text):
    def refuse(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_results_json_is_strict_json_without_infinity_strings(built):
    results = _strict((built / "results.json").read_text())
    assert not {s.lower() for s in _strings(results)} & {"inf", "-inf", "+inf", "nan",
                                                         "infinity", "-infinity"}
    assert results["relu_dead_log10"] is None
    assert "minus infinity" in results["relu_dead_log10_note"]
    assert "\\log_{10} = -\\infty" in section((built / "report.tex").read_text(), "ReLU")
    assert "\\texttt{null}" in section((built / "report.tex").read_text(), "Reproducibility")
    with pytest.raises(ValueError):
        report.results_json({"x": float("-inf")})


def test_results_json_holds_every_audit_claim_in_full(built):
    audit = _strict((built / "results.json").read_text())["audit"]
    keys = {"seed", "claim", "claimed", "recomputed", "recomputed_tex", "verdict", "reason"}
    assert len(audit) == 14 and all(set(entry) == keys for entry in audit)
    assert all(entry["claim"] and entry["verdict"] for entry in audit)
    power = next(entry for entry in audit if entry["claim"].startswith("1.5^100"))
    assert power["claimed"] == 2.4e17 and power["verdict"] == "wrong"
    assert power["recomputed"] == float(Fraction(3, 2) ** 100)
    assert "41 percent" in power["reason"]
    sigmoid = next(entry for entry in audit if entry["claim"].startswith("tanh and sigmoid"))
    assert sigmoid["recomputed"] == 0.25 and "1/4" in sigmoid["reason"]


def test_report_never_names_the_design_document(built):
    for name in ("report.tex", "results.json"):
        assert "DES" "IGN" not in (built / name).read_text(), name


def test_report_describes_the_case_file_format(built):
    """Section 5 names every key of a case file and shows a case that parses to its numbers."""
    text = section((built / "report.tex").read_text(), "A worked")
    for key in numeric.case.CASE_KEYS:
        assert "\\texttt{" + key.replace("_", "\\_") + "}" in text, key
    listed = text[text.index("\\begin{verbatim}") + 16:text.index("\\end{verbatim}")]
    case = numeric.case_from_dict(json.loads(listed))
    assert case.W_hh.tolist() == [[0.5, -0.3], [0.2, 0.9]] and case.T == 3


def _sentences(tex):
    return re.split(r"(?<=[.;])\s|\\\\", tex)


def test_report_exploding_condition_is_only_necessary(built):
    """Wherever ||W_hh|| > 1 (or gamma ||W_hh|| > 1, sigma_max > 1) meets 'explod', the sentence
    or derivation line says the condition is necessary, not sufficient."""
    tex = (built / "report.tex").read_text()
    norm_above_one = re.compile(r"(\\\|W_\{hh\}\\\||\\right\\\|_\{2\}|\\right\\\||sigma_\{max\}"
                                r"\(W_\{hh\}\)) > 1")
    found = [s for s in _sentences(tex) if norm_above_one.search(s) and "explod" in s]
    assert len(found) >= 3
    for sentence in found:
        assert "necessary" in sentence, sentence
    relu = _strict((built / "results.json").read_text())["audit"][-2]
    assert relu["claim"].startswith("ReLU") and "necessary, not sufficient" in relu["reason"]


def test_report_writes_the_seeds_it_uses(built):
    """Every section that draws random numbers names its seed, and that seed reproduces it."""
    tex = (built / "report.tex").read_text()
    results = json.loads((built / "results.json").read_text())

    def seed_in(title):
        found = re.findall(r"default\\_rng\((\d+)\)", section(tex, title))
        assert len(set(found)) == 1, (title, found)
        return int(found[0])

    rng = np.random.default_rng(seed_in("Per-step BPTT"))
    W = rng.standard_normal((20, 20))
    W *= 0.9 / np.linalg.norm(W, 2)
    norms = numeric.per_step_gradient_norms(derive.activation("tanh"), W,
                                            rng.standard_normal((20, 10)), np.zeros(20),
                                            np.zeros(20), rng.standard_normal((100, 10)),
                                            np.ones(20))
    rate = float(np.mean(np.diff(np.log10(norms["delta"]))))
    assert results["seed_decay_decades_per_step"] == pytest.approx(rate, rel=1e-12)
    rng = np.random.default_rng(seed_in("Gradient clipping"))
    W = 1.3 * numeric.random_W0(8, "orthogonal", rng)
    W_xh, h0 = rng.standard_normal((8, 1)), 0.1 * rng.standard_normal(8)
    x = 0.1 * rng.standard_normal((60, 1))
    g = numeric.bptt(derive.activation("tanh"), W, W_xh, np.zeros(8), h0, x, np.ones(8)).W_hh
    assert results["clip_norm_before"] == pytest.approx(float(np.linalg.norm(g)), rel=1e-12)
    assert inspect.signature(figures.write_all).parameters["seed"].default == seed_in("Sweeps")
    assert results["seeds"] == more.SEEDS
    assert "seeds written in each section (0, 1, 3)" not in tex


def _tags(tex):
    return re.findall(r"\\tag\*\{\\small (.*)\}", tex)


def test_report_notation_is_unambiguous_and_in_math_mode(built):
    tex = (built / "report.tex").read_text()
    assert "W_{hh}^{T}" not in tex and "h_{k-1}^T" not in tex
    assert "W_{hh}^{\\top}" in section(tex, "Setting")
    assert "\\left(W_{hh}\\right)^{T}" in section(tex, "The vector RNN")
    assert "\\max_{i} \\left|\\varphi'\\left(a_{k,i}\\right)\\right|" in tex
    for tag in _tags(tex):
        plain = re.sub(r"\$[^$]*\$", "", tag)
        assert not re.search(r"\\_|phi|gamma|\\textasciicircum|W hh|\$\|\$", plain), tag
    audit = section(tex, "Audit")
    plain = re.sub(r"\$[^$]*\$", "", audit)
    assert not re.search(r"\\textasciicircum|\|\||sigma|rho|W\\_hh|relu'", plain)


def test_report_says_sections_1_and_3_use_different_losses(built):
    """Section 1's loss is ½‖h_T − y‖², section 3's (seed 000's) (y − h_T)²: section 3 says so."""
    tex = (built / "report.tex").read_text()
    half = "\\frac{\\left(\\left\\| - y + h_{T} \\right\\|\\right)^{2}}{2}"
    assert f"L &= {half}" in section(tex, "Setting")
    seed = section(tex, "The scalar tanh")
    assert "L = \\left(y - h_{T}\\right)^{2}" in seed
    assert "which is not section 1's" in seed and "twice as large" in seed


def test_vector_steps_are_the_derivations_own_steps():
    """Section 2's steps are the n = 2 tanh derivation's own (built by the same functions, not
    picked by reason text): Jacobian, product and norm steps, the two implications in the
    derivation's wording, and J_T entry by entry displayed alone."""
    from reports import sections

    steps, wide = sections.vector_steps()
    full = derive.derivation(derive.RNN(2, activation="tanh"), 4).steps
    assert len(steps) == 11 and all(step in full for step in steps[:9])
    assert wide in steps and wide in full and isinstance(wide.relation.rhs, sympy.MatrixBase)
    assert [s.reason for s in steps[-2:]] == [s.reason for s in full
                                              if s.reason.endswith(("vanishing", "exploding"))]
    assert [s.reason for s in steps[-2:]] == ["sufficient for vanishing",
                                              "necessary (not sufficient) for exploding"]
    assert "each $" in sections.aligned_with_wide(steps, wide)  # |φ'| ≤ γ_φ kept


def test_display_scales_by_estimated_width_not_string_length():
    """A short string that is wider than the text is scaled; a narrow formula is not."""
    from derive._width import width
    from derive.latex import TEXT_WIDTH
    from reports import sections

    wide = sympy.Add(*sympy.symbols("x_1:26"))
    tex = sections.latex(wide)
    assert len(tex) < 250 and width(tex) > TEXT_WIDTH
    assert r"\resizebox{\textwidth}" in sections.display(wide)
    assert sections.display(sympy.Symbol("x")) == "\\[ x \\]\n"
