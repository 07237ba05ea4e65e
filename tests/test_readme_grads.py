"""The README's "Check your own gradient" and "rnngrad check --grads" sections cannot drift: every
output they show is what its commands print now, the program of the worked example checks the
README's own case file, and the diagnosis codes and tolerance numbers they quote are the code's.

The shell blocks are run here in-process (``python3 F.py`` with runpy, ``rnngrad ...`` through
``reports.cli.main``, the rest with bash), so the comparison takes about a second; test_readme
runs the same blocks as written, in bash.  Outputs are compared exactly, except that numbers are
read as numbers (equal to 12 significant digits, so the BLAS's last bit cannot fail the test)
and an error at rounding level (below 1e-13) only needs to stay at rounding level.
"""

import contextlib
import glob
import inspect
import io
import json
import re
import runpy
import shlex
import subprocess

import numpy as np
import pytest

import derive
import numeric
from numeric import check_cost, probes, rounding, supplied_compare, supplied_taylor, taylor
from reports.cli import main
from tests.readme_blocks import README, blocks

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
ROUNDING_LEVEL = 1e-13


def _g(x):
    """A number as the README writes it: 1e-9, 0.001 as 1e-3 (one digit and an exponent)."""
    return re.sub(r"e-0*(\d+)", r"e-\1", f"{x:.0e}" if x < 0.01 else f"{x:g}")


def _section(title):
    """The README's text from the heading ``title`` to the next heading of its level or above."""
    text = README.read_text(encoding="utf-8")
    level = title.split(" ")[0]
    start = text.index(f"\n{title}\n")
    ends = [text.find(f"\n{'#' * n} ", start + 1) for n in range(1, len(level) + 1)]
    return text[start:min([e for e in ends if e != -1] or [len(text)])]


def _shown_pairs():
    """(the sh block, the text block after it) for every command of the README that checks
    supplied gradients."""
    found = blocks()
    return [(block, after) for block, after in zip(found, found[1:], strict=False)
            if block.info == "sh" and "--grads" in block.text and after.info == "text"]


def _program():
    return next(b.text for b in blocks() if b.info == "python" and "grads.json" in b.text)


def _run_line(line, out):
    """One command of a README shell block, its stdout appended to ``out``."""
    allowed = {0}
    if "||" in line:
        line, _, accept = line.partition("||")
        allowed.add(int(re.fullmatch(r"\s*test \$\? -eq (\d)\s*", accept).group(1)))
    words = [match for word in shlex.split(line)
             for match in (sorted(glob.glob(word)) if "*" in word else [word])]
    target = None
    if len(words) >= 2 and words[-2] == ">":
        words, target = words[:-2], words[-1]
    if words[0] not in ("python3", "rnngrad"):
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", line], capture_output=True,
                              text=True, check=True)
        out.append(done.stdout)
        return
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        if words[0] == "python3":
            runpy.run_path(words[1], run_name="__main__")
            status = 0
        else:
            status = main(words[1:])
    assert status in allowed, (line, status)
    if target is None:
        out.append(printed.getvalue())
    elif target != "/dev/null":
        with open(target, "w", encoding="utf-8") as file:
            file.write(printed.getvalue())


def _run_block(text):
    out = []
    for line in text.splitlines():
        for command in line.split(" && "):
            _run_line(command, out)
    return "".join(out)


def _same(shown, printed):
    """Whether the README's ``shown`` output is ``printed``: the same words and numbers."""
    a, b = (re.sub(r"[ \t]+", " ", text).strip().splitlines() for text in (shown, printed))
    if len(a) != len(b):
        return False
    for line_a, line_b in zip(a, b, strict=True):
        if NUMBER.sub("#", line_a) != NUMBER.sub("#", line_b):
            return False
        for x, y in zip(NUMBER.findall(line_a), NUMBER.findall(line_b), strict=True):
            u, v = float(x), float(y)
            if abs(u) < ROUNDING_LEVEL and abs(v) < ROUNDING_LEVEL:
                continue
            if x != y and abs(u - v) > 1e-12 * max(abs(u), abs(v)):
                return False
    return True


def test_readme_shows_the_worked_example_and_the_grading_of_a_folder():
    assert len(_shown_pairs()) == 3
    assert _section("## Check your own gradient").count("```sh") == 2


@pytest.mark.parametrize("index", range(3))
def test_readme_grads_output_is_what_the_commands_print(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bptt.py").write_text(_program(), encoding="utf-8")
    block, shown = _shown_pairs()[index]
    printed = _run_block(block.text)
    assert _same(shown.text, printed), printed


def test_readme_program_writes_the_readme_case_and_its_fix_is_the_one_line_shown(tmp_path,
                                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bptt.py").write_text(_program(), encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):
        runpy.run_path("bptt.py")
    case_block = next(b for b in blocks() if b.info == "json" and '"activation"' in b.text
                      and '"cell"' not in b.text)
    assert json.loads((tmp_path / "case.json").read_text()) == json.loads(case_block.text)
    wrong = {k: np.array(v) for k, v in json.loads((tmp_path / "grads.json").read_text()).items()}
    fix = re.search(r"The fix is one line, `([^`]+)`", _section("## Check your own gradient"))
    sed = next(b.text for b, _ in _shown_pairs() if b.text.startswith("sed "))
    _run_block(sed.splitlines()[0])
    fixed = (tmp_path / "fixed.py").read_text()
    assert fix.group(1) in fixed and fix.group(1) not in _program()
    assert len(set(_program().splitlines()) - set(fixed.splitlines())) == 1
    # the fixed gradient is the one of an independent loop (δ_k h_{k−1}ᵀ summed), the shown
    # mistake's is δ_k h_kᵀ summed
    case = json.loads(case_block.text)
    W, U, b = (np.array(case[k]) for k in ("W_hh", "W_xh", "b_h"))
    h = [np.array(case["h0"])]
    for x_k in np.array(case["x"]):
        h.append(np.tanh(W @ h[-1] + U @ x_k + b))
    g, right, shifted = h[-1] - np.array(case["y"]), np.zeros((2, 2)), np.zeros((2, 2))
    for k in (3, 2, 1):
        d = g * (1 - h[k] ** 2)
        right, shifted, g = right + np.outer(d, h[k - 1]), shifted + np.outer(d, h[k]), W.T @ d
    np.testing.assert_allclose(wrong["W_hh"], shifted, rtol=1e-14)
    with contextlib.redirect_stdout(io.StringIO()):
        runpy.run_path("fixed.py")
    ok = json.loads((tmp_path / "grads.json").read_text())
    np.testing.assert_allclose(np.array(ok["W_hh"]), right, rtol=1e-14)


def test_readme_lists_every_diagnosis_code_once_in_the_code_order():
    part = _section("### rnngrad check --grads")
    listed = re.findall(r"^- `(\w+)`: ", part.split("**Diagnosis.**")[1].split("**")[0], re.M)
    assert listed == list(numeric.DIAGNOSIS_CODES)


def test_readme_tolerance_and_cost_numbers_are_the_code_constants():
    part = _section("### rnngrad check --grads")
    a, b = supplied_compare.A_PRIORI
    runs = inspect.signature(rounding.rounding_model).parameters["runs"].default
    directions = inspect.signature(taylor.taylor_test).parameters["directions"].default
    default_probes = inspect.signature(probes.probe_check).parameters["probes"].default
    quoted = [
        f"allowed_i = {_g(a)}·|d_i| + {_g(b)}·max|d|",
        f"allowed_i = R·(|d_i| + {_g(supplied_compare.RTOL_FLOOR)}·max|d|)",
        f"recomputed {runs} times",
        f"allowed_i = {rounding.SAFETY} × the spread of entry i + {rounding.POOL} × the largest",
        f"({rounding.SAFETY} × where",
        f"a spread above {_g(rounding.CHAOTIC)}·max|d|",
        f"{rounding.PARTIALS} × over {runs} runs with new errors",
        f"{rounding.PARTIALS_POOL} × its largest entry + {rounding.COHERENT} × over {runs} runs",
        f"{rounding.RELATIVE}·u·|d_i| + {rounding.SUBNORMAL} of the",
        f"along {directions} random",
        f"every slope is at least {taylor.PASS_SLOPE}",
        f"T × number of parameters ≤ {supplied_taylor.SMALL}",
        f"Above an estimated {check_cost.MAX_SECONDS:g} s",
        f"or {check_cost.MAX_BYTES // 2**30} GiB",
        f"({default_probes} by default)",
        f"({probes.SAFETY:g} × the unit",
    ]
    flat = re.sub(r"\s+", " ", part)
    assert [q for q in quoted if q not in flat] == [], quoted
    for dtype, power in (("float32", -24), ("float16", -11), ("float64", -53)):
        assert rounding.unit_roundoff(dtype) == 2.0**power and f"2^{power} for {dtype}" in flat


def test_readme_names_table_lists_names_the_checker_accepts():
    from numeric.supplied_names import aliases
    from tests.cell_cases import random_cell_case

    part = _section("### rnngrad check --grads")
    table = part.split("| name | shape | meaning |")[1].split("\n\n")[0]
    names = {name for row in table.splitlines()[2:] for name in
             re.findall(r"`(\w+)`", row.split(" | ")[0])}
    legacy = numeric.Case(derive.activation("tanh"), np.eye(2), np.ones((2, 1)), np.zeros(2),
                          np.zeros(2), np.ones((3, 1)), np.zeros(2))
    accepted = set(aliases(legacy)).union(*(aliases(random_cell_case(kind, 2, 3, 0))
                                            for kind in ("elman", "lstm", "gru", "indrnn")))
    assert len(names) >= 15 and names - accepted == set()
    for example in ("weight_ih_f", "bias_hh_o", "weight_hh_z", "grad_W_hh"):
        assert f"`{example}`" in part and example in accepted
