"""The four derivative checks of a cell case (``numeric.CellCase``): central and Richardson
differences (``numeric.cell_differences``), complex step (``numeric.cell_complex``) and the
independent mpmath oracle (``numeric.cell_mpmath``), each a ``numeric.CheckReport`` as
``numeric.run_checks`` gives for the Elman RNN: ``passed`` None (n/a, the reason in the note)
for a check not performed, never a pass.
"""

from numeric.cell_complex import check_cell_complex_step
from numeric.cell_differences import check_cell_differences
from numeric.cell_mpmath import check_cell_mpmath


def run_cell_checks(case, rtol=None):
    """{"central", "richardson", "complex_step", "mpmath"} → CheckReport for a CellCase."""
    return {"central": check_cell_differences(case, "central", rtol),
            "richardson": check_cell_differences(case, "richardson", rtol),
            "complex_step": check_cell_complex_step(case, rtol),
            "mpmath": check_cell_mpmath(case, rtol)}
