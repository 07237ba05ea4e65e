"""``rnngrad exercise``: the files, the case, the template's keys and shapes, the solutions'
numbers against PyTorch's own float64 autograd run on case.json in this file, the grading by
``rnngrad check --grads`` (template wrong, torch's gradients right), determinism and bad input.
One PDF is built (the Elman task sheet, n = T = 1)."""

import json
import re

import numpy as np
import pytest
import torch

import numeric
from reports import cli
from reports.exercise import make_exercise
from reports.exercise_sheets import task_document
from reports.files import build_pdf, tex_engine
from reports.render_tex import render_tex

FILES = ("case.json", "answer.json", "task.md", "solutions.md", "task.html", "solutions.html")
TEXT_FILES = ("case.json", "answer.json", "task.md", "solutions.md", "task.html",
              "solutions.html")
# what the task asks per cell, written out here: key -> shape for n = 3 hidden, m = 2 inputs
EXPECTED = {"elman": {"weight_hh": (3, 3)},
            "lstm": {"weight_hh": (12, 3), "grad_c0": (3,), "weight_ih_f": (3, 2)},
            "gru": {"weight_hh": (9, 3), "grad_h0": (3,), "weight_ih_z": (3, 2)}}


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """One exercise per cell (n = 3, T = 4, seed 5), written by the command line."""
    out = {}
    for cell in EXPECTED:
        path = tmp_path_factory.mktemp(cell)
        status = cli.main(["exercise", "--cell", cell, "--seed", "5", "--out", str(path),
                           "--no-pdf"])
        assert status == 0
        out[cell] = path
    return out


def torch_answers(data):
    """The asked gradients by torch autograd, float64, from the case file alone."""
    t = {key: torch.tensor(value, dtype=torch.float64, requires_grad=True)
         for key, value in data.items() if key not in ("cell", "nonlinearity")}
    n = len(data["h0"])
    h = t["h0"]
    c = t.get("c0")
    for x in t["x"]:
        gates = t["weight_ih"] @ x + t["bias_ih"]
        rec = t["weight_hh"] @ h + t["bias_hh"]
        if data["cell"] == "elman":
            h = torch.tanh(gates + rec)
        elif data["cell"] == "lstm":
            z = gates + rec
            i, f, g, o = (z[k * n:(k + 1) * n] for k in range(4))
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        else:
            r = torch.sigmoid(gates[:n] + rec[:n])
            u = torch.sigmoid(gates[n:2 * n] + rec[n:2 * n])
            cand = torch.tanh(gates[2 * n:] + r * rec[2 * n:])
            h = (1 - u) * cand + u * h
    loss = 0.5 * torch.sum((h - t["y"]) ** 2)
    loss.backward()
    found = {"weight_hh": t["weight_hh"].grad.numpy()}
    if data["cell"] == "lstm":
        found |= {"grad_c0": t["c0"].grad.numpy(), "weight_ih_f": t["weight_ih"].grad[n:2 * n]}
    if data["cell"] == "gru":
        found |= {"grad_h0": t["h0"].grad.numpy(), "weight_ih_z": t["weight_ih"].grad[n:2 * n]}
    return {key: np.asarray(value) for key, value in found.items()}, float(loss.detach())


def solution_numbers(text):
    """{key: array} from solutions.md: the code block after each "**key (shape)**" heading."""
    found = {}
    for key, block in re.findall(r"\*\*(\w+) \([0-9, ]+\)\*\*\n\n[^\n]*\n\n```\n(.*?)```",
                                 text, flags=re.DOTALL):
        found[key] = np.array([[float(v) for v in line.split()] for line in
                               block.strip().splitlines()])
    return found


def test_exercise_writes_every_file(folders):
    for path in folders.values():
        assert all((path / name).is_file() for name in FILES)


@pytest.mark.parametrize("cell", sorted(EXPECTED))
def test_exercise_case_parses_with_target(folders, cell):
    data = json.loads((folders[cell] / "case.json").read_text())
    case = numeric.case_from_dict(data)
    assert isinstance(case, numeric.CellCase) and case.kind.name == cell
    assert data["y"] is not None and len(data["y"]) == 3 and case.T == 4
    assert all(len(str(v).split(".")[-1]) <= 2 for v in np.ravel(data["weight_hh"]))


@pytest.mark.parametrize("cell", sorted(EXPECTED))
def test_exercise_template_keys_and_shapes(folders, cell):
    template = json.loads((folders[cell] / "answer.json").read_text())
    assert list(template) == list(EXPECTED[cell])
    for key, shape in EXPECTED[cell].items():
        assert np.shape(template[key]) == shape and not np.any(template[key])
    truth, _ = torch_answers(json.loads((folders[cell] / "case.json").read_text()))
    assert {key: value.shape for key, value in truth.items()} == EXPECTED[cell]


@pytest.mark.parametrize("cell", sorted(EXPECTED))
def test_exercise_solutions_match_torch(folders, cell):
    """Every number of solutions.md (7 significant digits) equals torch's within 5e-7."""
    truth, loss = torch_answers(json.loads((folders[cell] / "case.json").read_text()))
    text = (folders[cell] / "solutions.md").read_text()
    shown = solution_numbers(text)
    assert sorted(shown) == sorted(truth)
    for key, value in truth.items():
        np.testing.assert_allclose(shown[key].reshape(value.shape), value, rtol=5e-7,
                                   atol=1e-12)
    shown_loss = float(re.search(r"The loss is \$([-0-9.e]+)\$", text).group(1))
    assert shown_loss == pytest.approx(loss, rel=1e-7)


@pytest.mark.parametrize("cell", sorted(EXPECTED))
def test_exercise_check_grades_template_wrong_and_torch_right(folders, cell, tmp_path, capsys):
    """``rnngrad check case.json --grads`` exits 1 on the zeros of answer.json and 0 on the
    gradients torch computes from case.json."""
    case = folders[cell] / "case.json"
    truth, _ = torch_answers(json.loads(case.read_text()))
    right = tmp_path / "right.json"
    right.write_text(json.dumps({key: value.tolist() for key, value in truth.items()}))
    assert cli.main(["check", str(case), "--grads", str(folders[cell] / "answer.json")]) == 1
    assert cli.main(["check", str(case), "--grads", str(right)]) == 0
    capsys.readouterr()


def test_exercise_template_is_what_check_gradients_takes(folders):
    """numeric.check_gradients takes answer.json's keys and shapes as they are: zeros wrong,
    torch's gradients right."""
    data = json.loads((folders["lstm"] / "case.json").read_text())
    case = numeric.case_from_dict(data)
    template = {key: np.asarray(value, dtype=float) for key, value in
                json.loads((folders["lstm"] / "answer.json").read_text()).items()}
    truth, _ = torch_answers(data)
    assert not numeric.check_gradients(case, template).passed
    result = numeric.check_gradients(case, truth)
    assert result.passed and {q.name for q in result.quantities} == set(EXPECTED["lstm"])


def test_exercise_task_sheet_asks_in_pytorch_layout(folders):
    task = (folders["lstm"] / "task.md").read_text()
    for words in ("nn.LSTMCell", "`weight_hh`", "`grad_c0`", "`weight_ih_f`", "(i, f, g, o)",
                  "rnngrad check case.json --grads answer.json", "L = \\frac{"):
        assert words in task
    assert "rnngrad check case.json --grads submissions/*.json --csv" in \
        (folders["gru"] / "solutions.md").read_text()


def test_exercise_is_deterministic(tmp_path, folders):
    again = tmp_path / "again"
    assert cli.main(["exercise", "--cell", "gru", "--seed", "5", "--out", str(again),
                     "--no-pdf"]) == 0
    for name in TEXT_FILES:
        assert (again / name).read_bytes() == (folders["gru"] / name).read_bytes()
    other = make_exercise("gru", 3, 4, seed=6)
    assert other.data != json.loads((again / "case.json").read_text())


@pytest.mark.parametrize("argv", [["--cell", "indrnn"], ["--cell", "lstm", "--hidden", "0"],
                                  ["--cell", "lstm", "--hidden", "17"],
                                  ["--cell", "gru", "--steps", "0"],
                                  ["--cell", "gru", "--steps", "51"],
                                  ["--cell", "elman", "--seed", "-1"],
                                  ["--cell", "elman", "--seed", "x"], ["--hidden", "3"]])
def test_exercise_bad_input_exits_2(argv, tmp_path, capsys):
    assert cli.main(["exercise", *argv, "--out", str(tmp_path / "x"), "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("rnngrad: error: ")
    assert not (tmp_path / "x").exists()


def test_exercise_out_that_is_a_file_exits_2(tmp_path, capsys):
    (tmp_path / "taken").write_text("")
    assert cli.main(["exercise", "--cell", "elman", "--out", str(tmp_path / "taken")]) == 2
    assert capsys.readouterr().err.strip().endswith("is a file, not a folder")


def test_exercise_without_tex_skips_pdfs_with_a_note(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))    # no pdflatex
    assert cli.main(["exercise", "--cell", "elman", "--hidden", "1", "--steps", "1",
                     "--out", str(tmp_path / "e")]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "note" in line]
    assert len(notes) == 1 and "task.pdf and solutions.pdf not built" in notes[0]
    assert not (tmp_path / "e" / "task.pdf").exists() and (tmp_path / "e" / "task.md").exists()


def test_exercise_task_sheet_builds_as_pdf(tmp_path):
    assert tex_engine() is not None, "the CI image has a TeX engine"
    ex = make_exercise("elman", 1, 1, seed=0)
    pdf = build_pdf(render_tex(task_document(ex)), tmp_path / "task.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
