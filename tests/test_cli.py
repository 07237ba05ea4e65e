"""The rnngrad command line, end to end: outputs, exit codes, one-line errors, real PDF builds."""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from reports import cli, cli_support, files
from reports.cli import main

REPO = Path(__file__).resolve().parents[1]
COMMANDS = ("derive", "check", "sweep", "lyapunov", "report", "exercise")


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
    ("document as text", ["--activation", "tanh", "--hidden", "1", "--steps", "2", "--document",
                          "--format", "text"]),
    ("document as json file", ["--activation", "tanh", "--hidden", "1", "--steps", "2",
                               "--document", "--out", "d.json"]),
    ("docx", ["--activation", "tanh", "--hidden", "1", "--steps", "2", "--out", "y.docx"]),
    ("no suffix", ["--activation", "tanh", "--hidden", "1", "--steps", "2", "--out", "y"]),
    ("suffix against format", ["--activation", "tanh", "--hidden", "1", "--steps", "2",
                               "--format", "latex", "--out", "y.json"]),
    ("pdf as text", ["--activation", "tanh", "--hidden", "1", "--steps", "2",
                     "--format", "text", "--out", "y.pdf"]),
    ("no-pdf without pdf", ["--activation", "tanh", "--hidden", "1", "--steps", "2",
                            "--no-pdf", "--out", "y.tex"]),
    ("alpha too large", ["--activation", "elu", "--alpha", "1e9", "--hidden", "1",
                         "--steps", "2"]),
]


@pytest.mark.parametrize("argv", [a for _, a in BAD], ids=[name for name, _ in BAD])
def test_cli_derive_bad_input_exits_2_with_one_line(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "derive", *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("rnngrad: error: ")
    assert "Traceback" not in err and list(tmp_path.iterdir()) == []


MESSAGES = [
    (["--hidden", "0", "--steps", "3"], "--hidden must be >= 1, got 0"),
    (["--hidden", "1", "--inputs", "0", "--steps", "3"], "--inputs must be >= 1, got 0"),
    (["--hidden", "1", "--steps", "-4"], "--steps must be >= 1, got -4"),
    (["--hidden", "1", "--steps", "2", "--alpha", "0.1"],
     "--alpha applies to --activation leaky_relu or elu only"),
    (["--hidden", "1", "--steps", "2", "--out", "y.docx"],
     "--out y.docx: unsupported file type .docx; use .tex, .txt, .json or .pdf"),
    (["--hidden", "1", "--steps", "2", "--document", "--format", "text"],
     "--document makes a LaTeX document, not text: drop --document, or use --format latex "
     "(or --out FILE.tex / FILE.pdf)"),
    (["--hidden", "1", "--steps", "2", "--out", "y.tex", "--no-pdf"],
     "--no-pdf applies to --out FILE.pdf only"),
    (["--hidden", "3", "--steps", "40", "--expanded"],
     "--expanded for n=3, T=40 would exceed 200,000 operations; drop --expanded, or use "
     "'rnngrad check CASE.json' for numbers"),
]


@pytest.mark.parametrize("argv,message", MESSAGES, ids=[m[:24] for _, m in MESSAGES])
def test_cli_derive_error_names_the_flag(argv, message, capsys, tmp_path, monkeypatch):
    """Messages name the command-line flag (not a Python keyword or API) and use >=."""
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "derive", "--activation", "tanh", *argv)
    assert status == 2 and err == f"rnngrad: error: {message}\n"


def test_cli_derive_alpha_errors_name_the_flag(capsys):
    status, _, err = run(capsys, "derive", "--activation", "leaky_relu", "--alpha", "2000000",
                         "--hidden", "1", "--steps", "2")
    assert status == 2
    assert err == "rnngrad: error: --alpha must be at most 10^6 in absolute value, got 2000000\n"


def test_cli_derive_out_suffix_chooses_the_format(tmp_path, capsys):
    argv = ("derive", "--activation", "sigmoid", "--hidden", "1", "--steps", "2")
    _, fragment, _ = run(capsys, *argv)
    _, text, _ = run(capsys, *argv, "--format", "text")
    _, data, _ = run(capsys, *argv, "--format", "json")
    for name, expected in (("d.tex", fragment), ("d.txt", text), ("d.json", data)):
        assert run(capsys, *argv, "--out", str(tmp_path / name))[0] == 0
        assert (tmp_path / name).read_text(encoding="utf-8") == expected, name
    assert json.loads(data)["gamma"] == "1/4" and fragment.startswith("\\begin{align*}")


def test_cli_no_command_prints_usage_and_every_command(capsys):
    status, out, err = run(capsys)
    assert status == 2 and out == ""
    assert err.startswith("usage: rnngrad ")
    assert err.splitlines()[-1] == ("rnngrad: error: choose a command: derive, check, sweep, "
                                    "lyapunov, report or exercise")
    for name in COMMANDS:  # each with its one-line description
        assert re.search(rf"^    {name} +\w+", err, flags=re.MULTILINE), name


def pyproject_version():
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


def test_cli_version_prints_version_and_exits_0(capsys):
    assert pyproject_version() == "0.1.0"
    assert run(capsys, "--version") == (0, "rnngrad 0.1.0\n", "")
    done = subprocess.run([sys.executable, "-m", "reports", "--version"], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert (done.returncode, done.stdout, done.stderr) == (0, "rnngrad 0.1.0\n", "")


def test_cli_version_falls_back_to_pyproject(capsys, monkeypatch):
    def missing(name):
        raise cli_support.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(cli_support.metadata, "version", missing)
    assert run(capsys, "--version") == (0, f"rnngrad {pyproject_version()}\n", "")


def subparsers():
    parser = cli.build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return parser, action.choices


def test_cli_every_option_has_help():
    parser, commands = subparsers()
    assert tuple(commands) == COMMANDS
    for name, sub in [("rnngrad", parser), *commands.items()]:
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            label = "/".join(action.option_strings) or action.dest
            assert action.help and action.help != argparse.SUPPRESS, f"{name} {label}"


@pytest.mark.parametrize("argv", [[], *[[name] for name in COMMANDS]], ids=["rnngrad", *COMMANDS])
def test_cli_help_is_self_contained(argv, capsys):
    """No help text points to an internal design document the user does not have."""
    status, out, _ = run(capsys, *argv, "--help")
    assert status == 0 and out.startswith("usage: rnngrad")
    assert "design" not in out.lower()


def test_cli_console_script_bad_input_no_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "reports", "derive", "--activation", "x",
                           "--hidden", "1", "--steps", "1"], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_cli_pdf_without_tex_writes_tex_and_exits_1(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(files.shutil, "which", lambda name: None)
    target = tmp_path / "d.pdf"
    status, out, err = run(capsys, "derive", "--activation", "tanh", "--hidden", "1",
                           "--steps", "2", "--out", str(target))
    assert status == 1 and out == "" and err.count("\n") == 1
    assert err.startswith(f"rnngrad: error: wrote {tmp_path / 'd.tex'} but not {target}: "
                          "no TeX engine")
    assert "sh scripts/install.sh" in err and "apt-get install texlive-latex-base" in err
    assert "--no-pdf" in err
    assert (tmp_path / "d.tex").read_text().startswith("\\documentclass")
    assert not target.exists()


def test_cli_pdf_with_tex_stripped_from_path_exits_1(tmp_path):
    """The console entry point, run with a PATH that holds no TeX engine."""
    target = tmp_path / "d.pdf"
    env = {**os.environ, "PYTHONPATH": str(REPO), "PATH": str(tmp_path / "empty")}
    done = subprocess.run([sys.executable, "-m", "reports", "derive", "--activation", "relu",
                           "--hidden", "2", "--steps", "2", "--out", str(target)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
    assert "no TeX engine" in done.stderr and done.stderr.count("\n") == 1
    assert (tmp_path / "d.tex").exists() and not target.exists()


def test_cli_no_pdf_writes_tex_only_and_exits_0(tmp_path, capsys, monkeypatch):
    def no_build(*args, **kwargs):
        raise AssertionError("--no-pdf must not build a PDF")

    monkeypatch.setattr("reports.deriving.build_pdf", no_build)
    target = tmp_path / "d.pdf"
    target.write_bytes(b"%PDF an older build")   # would no longer match d.tex: removed
    status, out, err = run(capsys, "derive", "--activation", "tanh", "--hidden", "1",
                           "--steps", "2", "--out", str(target), "--no-pdf")
    assert status == 0 and out == ""
    assert err == f"rnngrad: wrote {tmp_path / 'd.tex'} (--no-pdf: no PDF built)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.tex"]


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
