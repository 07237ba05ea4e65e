"""The rnngrad command line, end to end: outputs, exit codes, one-line errors, real PDF builds."""

import json
import shutil
import subprocess
import sys

import pytest

from reports import files
from reports.cli import main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_help_lists_subcommands():
    done = subprocess.run([sys.executable, "-m", "reports", "--help"], capture_output=True,
                          text=True)
    assert done.returncode == 0 and "derive" in done.stdout
    done = subprocess.run([sys.executable, "-m", "reports", "derive", "--help"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "--activation" in done.stdout and "--expanded" in done.stdout


def test_cli_derive_latex_to_stdout(capsys):
    status, out, err = run(capsys, "derive", "--activation", "tanh", "--hidden", "2",
                           "--steps", "3")
    assert status == 0 and err == ""
    assert out.startswith("\\begin{align*}") and "D_{3} W_{hh} D_{2} W_{hh}" in out


def test_cli_derive_json_is_deterministic(capsys):
    argv = ("derive", "--activation", "sigmoid", "--hidden", "1", "--steps", "4",
            "--format", "json")
    _, first, _ = run(capsys, *argv)
    _, second, _ = run(capsys, *argv)
    assert first == second
    data = json.loads(first)
    assert data["gamma"] == "1/4" and data["gamma_exact"] is True
    assert data["derivation"]["steps"][0]["reason"].startswith("pre-activation")


def test_cli_derive_text_and_custom_formula(capsys):
    status, out, _ = run(capsys, "derive", "--formula", "x/(1+Abs(x))", "--hidden", "1",
                         "--steps", "2", "--format", "text")
    assert status == 0 and "γᵩ = 1" in out and "Eq(" not in out


def test_cli_derive_alpha(capsys):
    status, out, _ = run(capsys, "derive", "--activation", "leaky_relu", "--alpha", "3",
                         "--hidden", "1", "--steps", "2", "--format", "json")
    assert status == 0 and json.loads(out)["gamma"] == "3"


def test_cli_derive_writes_file_atomically(tmp_path, capsys):
    target = tmp_path / "sub" / "d.tex"
    status, out, _ = run(capsys, "derive", "--activation", "relu", "--hidden", "2",
                         "--steps", "2", "--document", "--out", str(target))
    assert status == 0 and out == ""
    assert target.read_text().startswith("\\documentclass")
    assert sorted(p.name for p in target.parent.iterdir()) == ["d.tex"]


BAD = [
    ("unknown activation", ["--activation", "tahn", "--hidden", "2", "--steps", "3"]),
    ("steps zero", ["--activation", "tanh", "--hidden", "2", "--steps", "0"]),
    ("steps negative", ["--activation", "tanh", "--hidden", "2", "--steps", "-4"]),
    ("hidden zero", ["--activation", "tanh", "--hidden", "0", "--steps", "3"]),
    ("hidden not int", ["--activation", "tanh", "--hidden", "two", "--steps", "3"]),
    ("inputs zero", ["--activation", "tanh", "--hidden", "1", "--inputs", "0", "--steps", "3"]),
    ("missing steps", ["--activation", "tanh", "--hidden", "2"]),
    ("missing activation", ["--hidden", "2", "--steps", "2"]),
    ("both activations", ["--activation", "tanh", "--formula", "x", "--hidden", "1",
                          "--steps", "2"]),
    ("hostile formula", ["--formula", "__import__('os').system('touch PWNED')", "--hidden", "1",
                         "--steps", "2"]),
    ("bad alpha", ["--activation", "leaky_relu", "--alpha", "nan", "--hidden", "1",
                   "--steps", "2"]),
    ("alpha not taken", ["--activation", "tanh", "--alpha", "0.1", "--hidden", "1",
                         "--steps", "2"]),
    ("bad format", ["--activation", "tanh", "--hidden", "1", "--steps", "2", "--format", "pdf"]),
    ("too large", ["--activation", "tanh", "--hidden", "3", "--steps", "40", "--expanded"]),
    ("unwritable", ["--activation", "tanh", "--hidden", "1", "--steps", "2", "--out",
                    "/proc/rnngrad/d.tex"]),
]


@pytest.mark.parametrize("argv", [a for _, a in BAD], ids=[name for name, _ in BAD])
def test_cli_derive_bad_input_exits_2_with_one_line(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "derive", *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("rnngrad: error: ")
    assert "Traceback" not in err and list(tmp_path.iterdir()) == []


def test_cli_no_command_exits_2(capsys):
    status, _, err = run(capsys)
    assert status == 2 and err.count("\n") == 1


def test_cli_console_script_bad_input_no_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "reports", "derive", "--activation", "x",
                           "--hidden", "1", "--steps", "1"], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_cli_pdf_without_tex_writes_tex_and_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(files.shutil, "which", lambda name: None)
    target = tmp_path / "d.pdf"
    status, _, err = run(capsys, "derive", "--activation", "tanh", "--hidden", "1",
                         "--steps", "2", "--out", str(target))
    assert status == 0 and "no TeX engine" in err and err.count("\n") == 1
    assert (tmp_path / "d.tex").exists() and not target.exists()


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "identity"])
@pytest.mark.parametrize("n", [1, 2])
def test_cli_document_compiles_with_pdflatex(name, n, tmp_path, capsys):
    """The real TeX engine (installed by scripts/install.sh; never skipped)."""
    assert files.tex_engine() is not None, "no TeX engine: run sh scripts/install.sh --test"
    target = tmp_path / f"{name}{n}.pdf"
    status, _, err = run(capsys, "derive", "--activation", name, "--hidden", str(n),
                         "--steps", "3", "--out", str(target))
    assert status == 0, err
    assert target.read_bytes().startswith(b"%PDF")
    text = subprocess.run([shutil.which("pdftotext"), str(target), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert f"{name} RNN, n = {n}, T = 3" in text
    assert "sufficient for vanishing" in text and "BPTT" in text
