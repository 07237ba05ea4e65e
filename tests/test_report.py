"""rnngrad report end to end: real TeX build, sections in the PDF text, numbers consistent
with results.json and with independent computations, determinism, bad output folders."""

import inspect
import json
import re
import shutil
import subprocess
from fractions import Fraction

import numpy as np
import pytest

import derive
import numeric
from reports import figures, files, report
from reports import sections_more as more
from reports.cli import main

TITLES = ["Setting and notation", "The scalar linear RNN", "The scalar tanh RNN of seed 000",
          "The vector RNN", "A worked 2x2 example", "Per-step BPTT contributions",
          "Sweeps over T and w", "ReLU: the open question of seed 003", "Gradient clipping",
          "The dynamical-systems view", "Audit of the seeds", "Reproducibility"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One ``rnngrad report`` run for the module; its PDF build keeps TeX's log (report.log)."""
    out = tmp_path_factory.mktemp("report")
    real = files.build_pdf

    def build_with_log(tex, pdf, **options):
        return real(tex, pdf, **{**options, "log_path": out / "report.log"})

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report, "build_pdf", build_with_log)
        assert main(["report", "--out", str(out)]) == 0
    return out


def section(tex, title):
    """The LaTeX of the section whose title starts with ``title``."""
    start = tex.index("\\section{" + title)
    end = tex.find("\\section{", start + 1)
    return tex[start:end if end > 0 else len(tex)]


def test_report_pdf_has_every_section(built):
    pdf = built / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run([shutil.which("pdftotext"), str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for title in TITLES:
        assert title in text, title


def test_report_numbers_match_results_and_independent_values(built):
    tex = (built / "report.tex").read_text()
    results = json.loads((built / "results.json").read_text())
    three_halves = results["w_pow_100"]["3/2"]
    assert three_halves["exact"] == str(Fraction(3, 2) ** 100)
    assert three_halves["decimal"] == pytest.approx(4.065611775352152e17, rel=1e-15)
    assert "4.06561" in tex and "7.88861" in tex
    assert results["gelfand_rho"] == "10"
    assert results["gelfand_norm_root"]["1000"] == pytest.approx(10, rel=1e-2)
    assert f"{results['relu_explode_log10']:.4f}" in tex
    assert results["relu_explode_log10"] == pytest.approx(200 * 0.07918124604762482, rel=1e-12)
    assert results["gamma"]["gelu"]["decimal"] == pytest.approx(1.1289041451851547, rel=1e-14)
    assert results["clip_cosine"] == pytest.approx(1.0, abs=1e-15)
    assert results["seed000_symbolic_gap"] < 1e-25 and "identical to 30 digits" in tex
    assert all(check["passed"] for check in results["worked_checks"].values())
    wrong = [a for a in results["audit"] if a["verdict"].startswith("wrong")]
    assert any(a["recomputed"] == pytest.approx(4.0656e17, rel=1e-4) for a in wrong)


def test_report_is_deterministic(built):
    """The same command twice: byte-identical report.tex, results.json and figures."""
    names = ("report.tex", "results.json", "figures/regime_map.png",
             "figures/bptt_contributions.pdf")
    before = {name: (built / name).read_bytes() for name in names}
    assert main(["report", "--out", str(built)]) == 0
    for name in names:
        assert (built / name).read_bytes() == before[name], name


def test_report_out_is_a_file(tmp_path, capsys):
    target = tmp_path / "plain"
    target.write_text("x")
    assert main(["report", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is a file" in err and target.read_text() == "x"


def test_report_unwritable_out(capsys):
    assert main(["report", "--out", "/proc/rnngrad-report"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_report_interrupted_leaves_only_complete_files(tmp_path, capsys, monkeypatch):
    def interrupt():
        raise KeyboardInterrupt

    real = report.section_list
    monkeypatch.setattr(report, "section_list",
                        lambda figure_dir, written=None:
                        real(figure_dir, written)[:3] + [("Boom", interrupt)])
    assert main(["report", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("rnngrad: error:")]
    assert len(errors) == 1 and "interrupted" in errors[0] and "Traceback" not in err
    assert not (tmp_path / "report.tex").exists() and not (tmp_path / "results.json").exists()
    leftovers = [p for p in tmp_path.rglob("*") if p.name.startswith(".")]
    assert leftovers == []
    for png in (tmp_path / "figures").glob("*.png"):
        assert png.read_bytes().startswith(b"\x89PNG")


def files_in(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def reported_count(err, pattern):
    match = re.search(pattern, err)
    assert match, err
    return int(match.group(1))


def test_report_done_counts_the_files_written(tmp_path, capsys):
    assert main(["report", "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    written = files_in(tmp_path)
    assert "report.pdf" in written and "figures/bptt_contributions.png" in written
    assert reported_count(err, rf"done: (\d+) files in {re.escape(str(tmp_path))}") \
        == len(written)


def test_report_without_tex_writes_the_rest_and_exits_1(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(files.shutil, "which", lambda name: None)
    assert main(["report", "--out", str(tmp_path)]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines()
              if not line.startswith("rnngrad report: ")]
    assert len(errors) == 1 and errors[0].startswith("rnngrad: error: wrote ")
    assert "not report.pdf: no TeX engine" in errors[0]
    assert "sh scripts/install.sh" in errors[0] and "apt-get install" in errors[0]
    written = files_in(tmp_path)
    assert {"report.tex", "results.json"} <= set(written) and "report.pdf" not in written
    assert reported_count(errors[0], r"wrote (\d+) files") == len(written)


def test_report_no_pdf_skips_the_build_and_exits_0(tmp_path, capsys, monkeypatch):
    def no_build(*args, **kwargs):
        raise AssertionError("--no-pdf must not build a PDF")

    monkeypatch.setattr(report, "build_pdf", no_build)
    (tmp_path / "report.pdf").write_bytes(b"%PDF an older build")   # must not survive
    assert main(["report", "--out", str(tmp_path), "--no-pdf"]) == 0
    err = capsys.readouterr().err
    written = files_in(tmp_path)
    assert "report.tex" in written and "report.pdf" not in written
    assert "(--no-pdf: report.pdf not built)" in err
    assert reported_count(err, r"done: (\d+) files") == len(written)


def test_report_pdf_has_no_overfull_box(built):
    """TeX's log of the report build: no box wider than the line by more than 1 pt."""
    log = (built / "report.log").read_text(encoding="utf-8", errors="replace")
    assert "Output written" in log
    assert [width for width in files.overfull_boxes(log) if width > 1.0] == []


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
