"""Lyapunov spectra batched over gains: the recurrent parameter g times its seeded draw, weights
and input drive exactly as in ``numeric.cell_gain_sweep`` (s_0 = 0), all gains in one forward
pass and one QR product.

Also the recurrent matrix's spectral radius ρ and largest singular value σ_max, per gain: for
the Elman cell W_hh = g W0; for IndRNN diag(g u); for the gated cells the n × n blocks of W_hh
(one per gate): ρ is the largest over the blocks and σ_max that of the stacked (blocks·n × n)
weight_hh.  For W0 ~ N(0, 1/n), ρ(g W0) → g and σ_max(g W0) → 2g as n grows.
"""

from dataclasses import dataclass

import numpy as np

import derive
from numeric import display
from numeric.bridge import raw_activation_functions
from numeric.cell_init import INIT_TEXT, recurrent_base
from numeric.cell_sweep import gain_parameters, sweep_inputs
from numeric.cells import forward
from numeric.grids import grid
from numeric.lyapunov import spectrum_of_chunks
from numeric.step_chunks import cell_chunks, elman_chunks, gain_pre_activations
from numeric.threads import small_products

NORMS_TEXT = {
    "elman": "spectral radius and largest singular value of weight_hh = g * W0",
    "indrnn": "spectral radius and largest singular value of diag(g * u)",
    "gated": "spectral radius: the largest over the n x n gate blocks of weight_hh; largest "
             "singular value: of the whole stacked weight_hh",
}


@dataclass(frozen=True)
class LyapunovSweep(display.Displayed):
    """Per gain: ``exponents`` (G, k), ``lambda_max``, ``convergence``, ``spectral_radius``,
    ``sigma_max`` (G,); the setting that was run."""

    cell: str
    activation: str | None
    hidden: int
    inputs: int
    seed: int
    gains: np.ndarray
    T: int
    k: int
    burn_in: int
    reorth_every: int
    exponents: np.ndarray
    lambda_max: np.ndarray
    convergence: np.ndarray
    spectral_radius: np.ndarray
    sigma_max: np.ndarray
    backend: str
    device: str
    init: str
    drive: str
    norms: str

    def _display_parts(self):
        return display.lyapunov_sweep_parts(self)


def recurrent_norms_text(cell):
    """What ``spectral_radius`` and ``sigma_max`` measure for ``cell``."""
    name = derive.cell_kind(cell).name
    return NORMS_TEXT.get(name, NORMS_TEXT["gated"])


def recurrent_norms(kind, base, gains):
    """(ρ, σ_max) of the recurrent parameter g · base for every gain (both scale with |g|)."""
    W = np.asarray(base[kind.recurrent_parameter], dtype=float)
    if kind.name == "indrnn":
        rho = sigma = float(np.abs(W).max())
    else:
        n = W.shape[-1]
        rho = float(np.abs(np.linalg.eigvals(W.reshape(-1, n, n))).max())
        sigma = float(np.linalg.norm(W, 2))
    return np.abs(gains) * rho, np.abs(gains) * sigma


def elman_pre_activations(act, base, gains, x):
    """a_k = g W0 h_{k−1} + W_ih x_k + b_ih + b_hh for every gain (T, G, n), h_0 = 0."""
    phi, _ = raw_activation_functions(act)
    W0 = base["weight_hh"]
    drive = x @ base["weight_ih"].T + base["bias_ih"] + base["bias_hh"]
    return gain_pre_activations(phi, W0, gains, drive, np.zeros((len(gains), W0.shape[0])))[0]


def lyapunov_gain_sweep(cell, gains, T, *, hidden=32, activation=None, inputs=1, seed=0,
                        noise=0.1, constant=0.0, k=1, burn_in=0, reorth_every=1, backend=None):
    """The k largest exponents of ``cell`` for every gain g (k = 1: λ_max only, by default)."""
    kind = derive.cell_kind(cell)
    for name, value, low in (("T", T, 1), ("hidden", hidden, 1), ("inputs", inputs, 1),
                             ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if activation is not None and not kind.takes_activation:
        raise ValueError(f"--activation does not apply to {cell}: its gates are fixed "
                         "(sigmoid, tanh)")
    act = derive.activation(activation or "tanh") if kind.takes_activation else None
    gains = grid(gains, "gains")
    base = recurrent_base(kind, hidden, inputs, seed)[0]
    x, drive = sweep_inputs(int(T), inputs, seed, noise, constant)
    S = hidden * len(kind.state)
    with np.errstate(over="ignore", under="ignore"), small_products(len(gains) * S * S):
        if kind.name == "elman":
            a = elman_pre_activations(act, base, gains, x)
            chunks = elman_chunks(act, base["weight_hh"], a, gains)
        else:
            params = gain_parameters(kind, gains, hidden, inputs, seed)
            path = forward(kind, act, params, np.zeros((len(gains), S)), x)
            chunks = cell_chunks(kind, act, params, path)
    result = spectrum_of_chunks(chunks, S, (len(gains),), int(T), k, burn_in, reorth_every,
                                backend)
    rho, sigma = recurrent_norms(kind, base, gains)
    draw = INIT_TEXT["gain"].get(kind.name, INIT_TEXT["gain"]["gated"])
    norms = recurrent_norms_text(kind.name)
    return LyapunovSweep(kind.name, None if act is None else act.name, hidden, inputs, seed,
                         gains, int(T), result.exponents.shape[-1], burn_in, reorth_every,
                         result.exponents, result.lambda_max, result.convergence, rho, sigma,
                         result.backend, result.device, f"{draw} (seed {seed})", drive, norms)
