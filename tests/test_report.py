"""rnngrad report end to end: real TeX build, sections in the PDF text, numbers consistent
with results.json and with independent computations, determinism, bad output folders."""

import json
import re
import shutil
import subprocess
from fractions import Fraction

import pytest

from reports import files, report
from reports.cli import main

TITLES = ["Setting and notation", "The scalar linear RNN", "The scalar tanh RNN of seed 000",
          "The vector RNN", "A worked 2x2 example", "Per-step BPTT contributions",
          "Sweeps over T and w", "ReLU: the open question of seed 003", "Gradient clipping",
          "The dynamical-systems view", "Audit of the seeds", "Reproducibility"]


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
