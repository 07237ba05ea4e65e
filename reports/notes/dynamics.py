"""Section 'sec:dynamics': the backward pass as a linear dynamical system.

s_{t+1} = A s_t gives s_{t+k} = A^k s_0; Gelfand's formula ρ(A) = lim_k ‖A^k‖^{1/k} says the
spectral radius decides the long run, while ‖A‖₂ = σ_max(A) ≥ ρ(A) only bounds it.  A
non-normal matrix ([[9/10, 5], [0, 9/10]]) has ρ = 9/10 but ‖W^k‖₂ grows for the first steps
and stays above 1 for dozens of them.
Random W_hh = g W0 with W0 ~ N(0, 1/n): ρ ≈ g (the edge of chaos at g = 1); the measured
maximal Lyapunov exponent and the predictability horizon come from ``dynamics_chaos``.
"""

import numpy as np
import sympy as sp

import derive
import numeric
from reports import figures
from reports.doc import Figure, Math, Ref, Section, Table, num, tr
from reports.notes import dynamics_chaos
from reports.notes.dynamics_text import edge_of_chaos, gelfand_text, transient_text

LABEL = "sec:dynamics"
TITLE = tr("The dynamical-systems view", "动力系统的视角")
GELFAND_A = [[9, -1, 2], [-2, 8, 4], [1, 1, 8]]
TRANSIENT_W = [[sp.Rational(9, 10), 5], [0, sp.Rational(9, 10)]]
TRANSIENT_K = (1, 2, 5, 10, 20, 40, 60, 100)   # the powers of W tabulated
POWERS = (1, 10, 100, 1000)
SEEDS = {"gain sweep": 0,   # numpy.random.default_rng(seed), one fresh generator per panel
         **dynamics_chaos.SEEDS}   # numeric.lyapunov_gain_sweep(..., seed=seed)
SEED_NAMES = {"gain sweep": tr("the gain sweeps (both panels)", "增益扫描（两个子图）"),
              **dynamics_chaos.SEED_NAMES}
KINDS = ("gaussian", "orthogonal")
N, T_SWEEP = 32, 200


def gelfand():
    """(table, results): ‖A^k‖₂^{1/k} for k in POWERS (rescaled products, no overflow)."""
    A = np.array(GELFAND_A, dtype=float)
    roots = {}
    for k in POWERS:
        product = numeric.jacobian_product(np.repeat(A[None], k, axis=0))
        roots[k] = float(10 ** (product.log10_norm / k))
    k = sp.Symbol("k", integer=True, positive=True)
    header = (Math(k), Math(derive.norm2(sp.Symbol("A") ** k) ** (1 / k)))
    rows = tuple((str(p), num(roots[p], 7)) for p in POWERS)
    caption = (tr("Gelfand's formula at work for the matrix A above: the k-th root of the "
                  "spectral norm of the k-th power. See it fall from the largest singular value "
                  "(k = 1) towards the spectral radius 10 as k grows.",
                  "Gelfand 公式在上面的矩阵 A 上的表现：A 的 k 次幂的谱范数开 k 次方。"
                  "请看它随 k 增大从最大奇异值（k = 1）逐渐降到谱半径 10。"),)
    table = Table("tab:gelfand", caption, header, rows, align="rr")
    return table, {"gelfand_norm_root": {str(p): roots[p] for p in POWERS}}


def transient_scan(W, last=400):
    """(k of the largest ‖W^k‖₂, the last k with ‖W^k‖₂ > 1) over k = 1..last (NumPy)."""
    Wn = np.array(W, dtype=float)
    norms = [np.linalg.norm(np.linalg.matrix_power(Wn, k), 2) for k in range(1, last + 1)]
    above = [k for k, v in enumerate(norms, start=1) if v > 1]
    return int(np.argmax(norms)) + 1, max(above)


def transient():
    """(table, results): ‖W^k‖₂ exactly (SymPy) for k in TRANSIENT_K for the non-normal W."""
    W = sp.Matrix(TRANSIENT_W)
    norms = [derive.spectral_norm(W ** k) for k in TRANSIENT_K]
    peak, last = transient_scan(W)
    k = sp.Symbol("k", integer=True, positive=True)
    header = (Math(k), Math(derive.norm2(sp.Symbol("W") ** k)))
    rows = tuple((str(i), num(float(v), 6)) for i, v in zip(TRANSIENT_K, norms, strict=True))
    rho = derive.spectral_radius(W)
    caption = (tr(f"Transient growth of a non-normal matrix. Both eigenvalues of W are {rho}, "
                  f"yet the norm of its powers grows up to k = {peak} and stays above 1 up to "
                  f"k = {last}; only then does it decay. The spectral radius tells the long "
                  "run, not the first steps.",
                  f"非正规矩阵的瞬态增长。W 的两个特征值都是 {rho}，但其幂的范数一直增长到 "
                  f"k = {peak}，并且直到 k = {last} 都大于 1，之后才衰减。谱半径决定的是长期"
                  "行为，而不是最初几步。"),)
    table = Table("tab:transient", caption, header, rows, align="rr")
    return table, {"transient_k": list(TRANSIENT_K),
                   "transient_norms": [float(v) for v in norms],
                   "transient_peak_k": peak, "transient_last_above_one": last}


def sweeps():
    """Per kind: (W0, the gain sweep) of the figure (``figures.gain_sweep_run``: W0, then the
    inputs, from a fresh default_rng(seed); n = N, T = T_SWEEP)."""
    return {kind: figures.gain_sweep_run(kind, np.random.default_rng(SEEDS["gain sweep"]), n=N,
                                         T=T_SWEEP)
            for kind in KINDS}


def sweep_numbers(swept):
    """Per kind: ρ(W0) and the gain where the measured growth per step crosses 0, from the
    figure's sweeps (``swept``, from ``sweeps``)."""
    out = {}
    for kind, (W0, result) in swept.items():
        gains = result.gains
        growth = result.log10_norm[:, 0] / T_SWEEP
        above = int(np.argmax(growth > 0)) if np.any(growth > 0) else None
        crossing = None if above is None else float(np.interp(
            0.0, growth[above - 1:above + 1], gains[above - 1:above + 1]))
        flags = result.to_dict()
        out[kind] = {"rho_W0": float(np.max(np.abs(np.linalg.eigvals(W0)))),
                     "crossing_gain": crossing, "gains": gains.tolist(),
                     "rate_log10": growth.tolist(), "reliable": flags["reliable"],
                     "horizon": flags["horizon"],
                     "crossing_reliable": None if above is None else
                     bool(result.reliable[above - 1:above + 1, 0].all())}
    return out


def _plot_sweeps(fig, swept):
    axes = fig.subplots(2, 1, sharex=True)
    for ax, kind in zip(axes, KINDS, strict=True):
        figures.plot_gain_sweep(ax, kind, n=N, T=T_SWEEP, result=swept[kind][1])
        ax.set_title(f"tanh, {kind} $W_0$ (n = {N}, T = {T_SWEEP})", fontsize=9)
    axes[0].set_xlabel("")


def gain_figure(ctx, swept):
    """The figure of the gain sweeps ``swept`` (from ``sweeps``)."""
    ctx.draw("gain_sweep", _plot_sweeps, swept, fig=True, figsize=(6.3, 6.6))
    return Figure("fig:gain-sweep", "gain_sweep", (
        tr("Gain sweeps for a tanh RNN with recurrent matrix g times W0, for a Gaussian W0 (top) "
           "and an orthogonal W0 (bottom), n = 32, T = 200, inputs drawn as 0.5 times standard "
           "normal. Dots: the measured growth per step of the gradient norm; dashed: the "
           "bound; dotted: the spectral radius (for the orthogonal W0 the bound and the spectral "
           "radius coincide). See that the measured growth stays below the "
           "bound and crosses zero well to the right of g = 1: saturation pulls the gradient "
           "down.", "tanh RNN 的增益扫描，循环矩阵为 g 乘以 W0：上图 W0 为高斯矩阵，"
                    "下图为正交矩阵，"
           "n = 32，T = 200，输入为 0.5 倍标准正态。圆点：梯度范数每步的实测增长；虚线：上界；"
           "点线：谱半径（正交 W0 的上界与谱半径重合）。请注意实测增长始终低于上界，且在 g = 1 "
           "右侧很远处才越过零：饱和把梯度拉低了。"),
        tr(" W0 and the inputs are drawn at random (the seeds are listed in ",
           " W0 和输入都是随机抽取的（种子列在"), Ref("app:reproducibility"), tr(").", "中）。")))


def build(ctx):
    """(Section, results for results.json)."""
    A = sp.Matrix(GELFAND_A)
    rho, sigma = derive.spectral_radius(A), derive.spectral_norm(A)
    table, roots = gelfand()
    ttable, transient_results = transient()
    swept = sweeps()
    numbers = sweep_numbers(swept)
    W = sp.Matrix(TRANSIENT_W)
    chaos, chaos_results = dynamics_chaos.build(ctx)
    blocks = (*gelfand_text(A, rho, sigma), table,
              *transient_text(W, derive.spectral_radius(W), derive.spectral_norm(W)), ttable,
              *edge_of_chaos(numbers), gain_figure(ctx, swept), *chaos)
    section = Section(
        LABEL, TITLE,
        (tr("Why the spectral radius, not the largest singular value, decides the long run of "
            "a product of matrices; how a product can grow before it decays; what the edge "
            "of chaos is and how the largest Lyapunov exponent measures it; and why, beyond "
            "the predictability horizon, only the growth rate of a gradient is a number.",
            "为什么决定矩阵连乘积长期行为的是谱半径而不是最大奇异值；乘积为什么会先增长后衰减；"
            "什么是混沌边缘，以及如何用最大李雅普诺夫指数度量它；为什么超过可预测性时域之后，"
            "只有梯度的增长率才是确定的数。"),),
        blocks,
        (tr("The spectral radius decides whether a product of the same matrix vanishes or "
            "explodes in the long run; the norm only bounds it, and for a non-normal matrix "
            "the first steps can grow even when the product eventually vanishes.",
            "同一矩阵的连乘积在长期是消失还是爆炸，由谱半径决定；范数只给出上界。"
            "对非正规矩阵，即使乘积最终消失，最初几步也可能增长。"),
         tr(" Along a trajectory the gradient grows or shrinks at the rate of the largest "
            "Lyapunov exponent, which crosses zero at the edge of chaos; in the chaotic regime "
            "the gradient norm of one long sequence is a sample; only its rate is meaningful.",
            "沿一条轨迹，梯度按最大李雅普诺夫指数的速率增长或衰减，该指数在混沌边缘穿过零；"
            "在混沌区，单条长序列的梯度范数只是一次抽样，只有它的增长率才有意义。")))
    return section, {"gelfand_rho": str(rho), "gelfand_sigma": float(sigma), **roots,
                     **transient_results, "gain_sweep_numbers": numbers,
                     **chaos_results}

