"""derive: the symbolic layer of rnngrad (SymPy only).

Activations with derived φ' and γ_φ, the symbolic RNN, step Jacobians J_k = D_k W_hh, their
products ∂h_j/∂h_i, the BPTT gradient ∂L/∂W_hh, norm bounds, regime conditions (for a linear
cell exact: ``linear_growth`` decides ρ = 1 by the Jordan blocks) and LaTeX derivations.
Notation: a_k = W_hh h_{k-1} + W_xh x_k + b_h, h_k = φ(a_k), D_k = diag(φ'(a_k)),
γ_φ = sup_z |φ'(z)|, ‖·‖ the spectral norm unless stated.

Cells (``derive.cell``: elman, lstm, gru, indrnn in PyTorch's layout and gate order): a step map
s_k = F(s_{k−1}, x_k) from which ``step_jacobian``, ``jacobian_product``, ``bptt_gradient``
and ``derivation`` derive ∂s_k/∂s_{k−1}, its products, ∂L/∂θ and the LaTeX (LSTM: s = [h; c]).

>>> import derive
>>> derive.activation("tanh").gamma
1
"""

from derive._candidates import derivative_pieces
from derive._width import width as latex_width
from derive.activations import (
    Activation,
    activation,
    activation_names,
    activation_parameters,
    registry_entry,
)
from derive.bounds import (
    RegimeConditions,
    data_dependent_bound,
    matrix_norm,
    norm_bound,
    regime_conditions,
    spectral_norm,
    spectral_radius,
)
from derive.budget import (
    BUDGET_SECONDS,
    MAX_HIDDEN,
    MAX_INPUTS,
    MAX_STEPS,
    SymbolicBudgetExceeded,
    symbolic_budget,
)
from derive.cells import (
    CELLS,
    Cell,
    cell,
    cell_kind,
    cell_names,
    explicit,
    gate,
    is_gate,
    state_symbols,
    step_map,
    unit_map,
    unit_partials,
)
from derive.cells.carousel import horizon as forget_bias_horizon
from derive.cells.gru_variant import GRU_BIAS_OUTSIDE
from derive.cells.readable import derivative_through_value, gate_values, readable_jacobian
from derive.cells.structure import structured_jacobian
from derive.derivations import (
    derivation,
    implications,
    jacobian_steps,
    norm_steps,
    product_steps,
)
from derive.jacobians import (
    MAX_OPERATIONS,
    ExpressionTooLarge,
    bptt_gradient,
    bptt_terms,
    expression_size,
    hidden_state,
    jacobian_product,
    loss,
    pre_activation,
    step_jacobian,
)
from derive.latex import TEXT_WIDTH, Derivation, Step, escape_text, reason
from derive.linear import LinearGrowth, linear_growth
from derive.notation import T, diag, display_latex, dphi, gamma_phi, k, max_abs, norm, norm2, z
from derive.notation import latex as to_latex
from derive.parser import parse_activation
from derive.rnn import RNN
from derive.transient import Transient, transient_growth
from derive.unrolled import Unrolled, unroll

__all__ = [
    "CELLS", "Cell", "cell", "cell_kind", "cell_names", "explicit", "gate", "is_gate",
    "state_symbols", "step_map", "structured_jacobian", "unit_map", "unit_partials",
    "derivative_through_value", "forget_bias_horizon", "gate_values",
    "readable_jacobian", "GRU_BIAS_OUTSIDE",
    "MAX_OPERATIONS", "RNN", "Activation", "Derivation", "ExpressionTooLarge", "RegimeConditions",
    "Step", "derivation",
    "activation", "activation_names", "activation_parameters", "bptt_gradient", "bptt_terms",
    "data_dependent_bound",
    "expression_size", "hidden_state", "jacobian_product", "loss", "matrix_norm", "norm_bound",
    "parse_activation", "pre_activation", "regime_conditions", "spectral_norm",
    "spectral_radius", "step_jacobian",
    "Unrolled", "unroll",
    "BUDGET_SECONDS", "MAX_HIDDEN", "MAX_INPUTS", "MAX_STEPS", "SymbolicBudgetExceeded",
    "symbolic_budget",
    "LinearGrowth", "Transient", "linear_growth", "transient_growth",
    # for numeric and reports: registry lookups, φ' pieces, derivation steps, notation, LaTeX
    "registry_entry", "derivative_pieces", "implications", "jacobian_steps", "norm_steps",
    "product_steps", "T", "diag", "dphi", "max_abs", "gamma_phi", "k", "norm", "norm2", "z",
    "to_latex",
    "display_latex",
    "TEXT_WIDTH", "escape_text", "latex_width", "reason",
]
