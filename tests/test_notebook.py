"""examples/tour.ipynb executed top to bottom (nbclient, an ipykernel on this very interpreter),
so it cannot rot: no cell raises or writes to stderr, the derivation renders as LaTeX, the
check table says "pass" for every check performed, the plots are PNG images.  The notebook is
stored without outputs."""

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TOUR = ROOT / "examples" / "tour.ipynb"
KERNEL = "rnngrad-tour"


def kernel_dir(tmp):
    """A kernelspec running ipykernel on sys.executable (the interpreter running the tests,
    with rnngrad importable from the repository root), found first through JUPYTER_PATH."""
    spec = tmp / "kernels" / KERNEL
    spec.mkdir(parents=True)
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "rnngrad tour", "language": "python",
        "env": {"PYTHONPATH": path, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}}))
    return tmp


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    import matplotlib.font_manager  # noqa: F401  a fresh machine builds matplotlib's font
    # cache here, not in the kernel (where its notice would be a stderr line of a cell)

    tmp = kernel_dir(tmp_path_factory.mktemp("jupyter"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(tmp))
        patch.setenv("JUPYTER_PLATFORM_DIRS", "1")
        nb = nbformat.read(TOUR, as_version=4)
        NotebookClient(nb, timeout=120, kernel_name=KERNEL,
                       resources={"metadata": {"path": str(ROOT)}}).execute()
    return {cell.id: cell for cell in nb.cells}


def outputs(cell, mime):
    return [o["data"][mime] for o in cell.outputs if mime in o.get("data", {})]


def test_stored_without_outputs():
    nb = nbformat.read(TOUR, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= 8
    assert all(c.outputs == [] and c.execution_count is None for c in code)


def test_every_cell_ran_without_error_or_stderr(executed):
    code = [c for c in executed.values() if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    for cell in code:
        kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
        assert ("error", None) not in kinds and ("stream", "stderr") not in kinds, cell.id


def test_derivation_renders_as_latex(executed):
    latex, = outputs(executed["derivation"], "text/latex")
    assert latex.startswith("$$\\begin{aligned}") and latex.endswith("\\end{aligned}$$")
    assert "\\tag" not in latex and r"{J}_{k} &= D_{k} W_{hh}" in latex
    jacobian, = outputs(executed["jacobian"], "text/latex")
    assert "\\tanh" in jacobian and "w_{11}" in jacobian


def test_check_table_passes_every_performed_check(executed):
    table, = outputs(executed["checks"], "text/html")
    rows = table.split("<tbody>")[1].split("</tr>")[:-1]
    verdicts = [row.split("<td>")[2].split("</td>")[0] for row in rows]
    assert len(verdicts) == 4 and set(verdicts) <= {"pass", "n/a"} and "pass" in verdicts
    assert "FAIL" not in table and "pass overall" in table


def test_sweep_table_and_plots_are_images(executed):
    assert "log10 |∂h_T/∂h_0|" in outputs(executed["sweep"], "text/html")[0]
    for cell in ("plot", "forget"):
        png, = outputs(executed[cell], "image/png")
        assert len(png) > 1000, cell


def test_gamma_printed(executed):
    text = "".join(o.get("text", "") for o in executed["gamma"].outputs)
    assert "sigmoid  gamma = 1/4  ~ 0.250000" in text
