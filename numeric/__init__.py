"""numeric: the NumPy layer of rnngrad (imports derive, numpy, scipy.special, mpmath and
threadpoolctl; jax, torch and dask.distributed only when a backend or a cluster asks for them).

The lambdify bridge (φ, φ' from derive's stable forms), the forward pass, step Jacobians, the
rescaled product ∂h_T/∂h_0 (any T), BPTT, derivative checks against central and Richardson
differences, complex step and an mpmath oracle (normwise and entry by entry), ∂h_T/∂h_0
against differences of the forward map and the bound against the measured norm
(``check_product_differences``, ``bound_check``), and sweeps over (w or g, T).  Cells
(``CellCase``, ``case_from_dict`` with a "cell" key, ``case_from_torch``): the same for
∂s_T/∂s_0 and every parameter's gradient, from the cell's derived unit map; forget-bias and
gain sweeps (``forget_bias_sweep``, ``cell_gain_sweep``).  Lyapunov spectra by the QR method
(``lyapunov_spectrum``, ``lyapunov_gain_sweep``) on an array backend (``array_backend``: numpy,
jax or torch, float64, on the GPU when present); the predictability horizon of every sweep and
check (``reliable``, ``horizon``, ``case_horizon``); grids sharded on dask.distributed
(``lyapunov_grid``, ``gain_grid``, ``shard_map``).  In a notebook the results show as
tables (``_repr_html_``); ``check_table(run_checks(case))`` shows the four checks as one.
Your own gradient: ``check_gradients(case, {"weight_hh": G, ...})`` checks supplied
quantities entry by entry against the derived ones (worst entry, tolerance and its source,
the matching well-known mistake).
"""

from numeric.backends import BACKENDS, Backend
from numeric.backends import backend as array_backend
from numeric.backward import Mistake
from numeric.bridge import activation_functions, compile_expression, complex_phi, kinks
from numeric.case import Case, case_from_dict
from numeric.case_values import nesting
from numeric.cell_bridge import unit_functions
from numeric.cell_case import CellCase
from numeric.cell_checks import run_cell_checks
from numeric.cell_init import INIT_TEXT, default_parameters, recurrent_base
from numeric.cell_parse import cell_case_keys
from numeric.cell_sweep import (
    CellSweep,
    cell_gain_sweep,
    forget_bias_parameters,
    forget_bias_sweep,
)
from numeric.cells import CellGradients, CellTrajectory, log10_product_norms
from numeric.cells import bptt as cell_bptt
from numeric.cells import forward as cell_forward
from numeric.cells import jacobian_product as cell_jacobian_product
from numeric.cells import step_jacobians as cell_step_jacobians
from numeric.check_cost import CheckCost, estimate_cost
from numeric.check_horizon import CaseHorizon, case_horizon
from numeric.complex_step import check_complex_step
from numeric.diagnose import Finding, Localisation, diagnose, localise
from numeric.diagnosis import zero_product_source
from numeric.display import CheckTable, check_table
from numeric.gains import GainSweep, gain_sweep
from numeric.grids import BYTES_PER_CELL as SWEEP_BYTES_PER_CELL
from numeric.grids import MAX_GRID as SWEEP_MAX_GRID
from numeric.grids import MAX_T as SWEEP_MAX_T
from numeric.grids import random_W0
from numeric.horizon import PERTURBATION as HORIZON_PERTURBATION
from numeric.horizon import THRESHOLD as HORIZON_THRESHOLD
from numeric.lyapunov import LyapunovSpectrum, lyapunov_spectrum
from numeric.lyapunov_sweep import LyapunovSweep, lyapunov_gain_sweep, recurrent_norms_text
from numeric.mistakes import DIAGNOSIS_CODES, backward_mistakes, mistaken
from numeric.oracle import mp_reference
from numeric.probes import ProbeCheck, probe_check
from numeric.product_check import bound_check, cell_bound, check_product_differences
from numeric.rnn import (
    Gradients,
    ScaledMatrix,
    Trajectory,
    bptt,
    forward,
    jacobian_product,
    product_along,
    step_jacobians,
)
from numeric.rounding import RoundingModel, rounding_model, unit_roundoff
from numeric.run_cost import BUDGET_S as CHECK_BUDGET_S
from numeric.run_cost import case_check_seconds, cell_check_seconds, check_seconds
from numeric.seed import SEED_DEFECTS, per_step_gradient_norms, seed_program
from numeric.shards import GainGrid, LyapunovGrid, gain_grid, lyapunov_grid, shard_map
from numeric.supplied import SuppliedCheck, check_gradients
from numeric.supplied_compare import QuantityCheck
from numeric.sweep import ScalarSweep, regime_labels, scalar_sweep
from numeric.taylor import TaylorTest, taylor_test
from numeric.torch_case import case_from_torch
from numeric.verdicts import CheckReport
from numeric.verify import TOLERANCES, check_differences, check_mpmath, run_checks

__all__ = [
    "TaylorTest", "taylor_test", "RoundingModel", "rounding_model", "unit_roundoff",
    "bound_check", "cell_bound", "check_product_differences",
    "zero_product_source",
    "DIAGNOSIS_CODES", "Finding", "Localisation", "diagnose", "localise",
    "Mistake", "backward_mistakes", "mistaken",
    "INIT_TEXT", "default_parameters", "recurrent_base", "case_from_torch", "cell_case_keys",
    "CellSweep", "cell_gain_sweep", "forget_bias_parameters", "forget_bias_sweep",
    "CellCase", "CellGradients", "CellTrajectory", "cell_bptt", "cell_forward",
    "cell_jacobian_product", "cell_step_jacobians", "log10_product_norms", "unit_functions",
    "run_cell_checks", "CheckTable", "check_table",
    "TOLERANCES", "Case", "CheckReport", "GainSweep", "Gradients", "ScaledMatrix", "ScalarSweep",
    "Trajectory", "gain_sweep", "random_W0", "regime_labels", "scalar_sweep",
    "activation_functions", "bptt", "case_from_dict", "check_complex_step", "check_differences",
    "check_mpmath", "compile_expression", "complex_phi", "forward", "jacobian_product", "kinks",
    "product_along", "nesting",
    "per_step_gradient_norms", "run_checks", "seed_program", "step_jacobians",
    "SEED_DEFECTS", "mp_reference", "CaseHorizon", "case_horizon",
    "BACKENDS", "Backend", "array_backend", "LyapunovSpectrum", "lyapunov_spectrum",
    "LyapunovSweep", "lyapunov_gain_sweep", "recurrent_norms_text",
    "shard_map", "lyapunov_grid", "LyapunovGrid", "gain_grid", "GainGrid",
    "HORIZON_PERTURBATION", "HORIZON_THRESHOLD",
    "check_gradients", "SuppliedCheck", "QuantityCheck",
    "CHECK_BUDGET_S", "check_seconds", "case_check_seconds", "cell_check_seconds",
    "SWEEP_BYTES_PER_CELL", "SWEEP_MAX_GRID", "SWEEP_MAX_T",
    "CheckCost", "estimate_cost", "ProbeCheck", "probe_check",
]
