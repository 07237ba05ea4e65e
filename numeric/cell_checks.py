"""The four derivative checks of a cell case (``numeric.CellCase``): central and Richardson
differences (``numeric.cell_differences``), complex step (``numeric.cell_complex``) and the
independent mpmath oracle (``numeric.cell_mpmath``), each a ``numeric.CheckReport`` as
``numeric.run_checks`` gives for the Elman RNN: ``passed`` None (n/a, the reason in the note)
for a check not performed, never a pass.
"""

from numeric.cell_complex import check_cell_complex_step
from numeric.cell_differences import check_cell_differences
from numeric.cell_mpmath import check_cell_mpmath
from numeric.check_horizon import case_horizon, not_performed
from numeric.check_progress import Stages
from numeric.verify import TOLERANCES


def run_cell_checks(case, rtol=None, horizon=None, progress=None):
    """{"central", "richardson", "complex_step", "mpmath"} → CheckReport for a CellCase.
    ``horizon``: its ``CaseHorizon`` (computed when None); beyond it the comparisons that
    recompute the whole forward pass are not judged and the oracle, which follows its own
    trajectory, is not performed (``numeric.check_horizon``).  ``progress(done, total,
    what)``: called as each check starts, after each J_k of the differences and the complex
    step, and when the last check ends (``numeric.check_progress``)."""
    horizon = horizon or case_horizon(case)
    beyond = horizon.beyond()
    stages = Stages(progress, ["central differences", "Richardson differences",
                               "complex step", "mpmath"][:4 if beyond is None else 3])
    central = check_cell_differences(case, "central", rtol, beyond,
                                     stages.stage("central differences"))
    richardson = check_cell_differences(case, "richardson", rtol, beyond,
                                        stages.stage("Richardson differences"))
    complex_step = check_cell_complex_step(case, rtol, beyond, horizon,
                                           stages.stage("complex step"))
    if beyond is None:
        stages.stage("mpmath")
        mpmath = check_cell_mpmath(case, rtol, horizon=horizon)
    else:
        mpmath = not_performed("mpmath", TOLERANCES["mpmath"] if rtol is None else rtol, beyond)
    stages.finish()
    return {"central": central, "richardson": richardson, "complex_step": complex_step,
            "mpmath": mpmath}
