"""Grid sweeps (gains × seeds × sizes) sharded over a dask.distributed cluster.

One shard per (hidden size n, seed s): the gain sweep of that draw, batched over all gains in one
call.  Shards share nothing, so ``shard_map`` hands them to an existing engine (a
``distributed.Client``) and gathers the results in order; with ``scheduler=None`` they run one
after the other in this process.  Every shard is the same pure function of its setting, so the
sharded grid equals the serial one exactly when the workers have the serial run's backend and
device (float64 throughout).  The workers need the same rnngrad importable (they unpickle the
shard function by name).  dask is imported inside ``shard_map`` only: rnngrad works without it.

>>> grid = lyapunov_grid("elman", [0.5, 2.0], 50, hidden=[4, 6], seeds=[0, 1, 2])
>>> grid.lambda_max.shape, grid.exponents.shape
((2, 3, 2), (2, 3, 2, 1))
"""

import asyncio
import concurrent.futures
import functools
import re
from dataclasses import dataclass

import numpy as np

import derive
from numeric.cell_sweep import cell_gain_sweep
from numeric.grids import grid, lengths
from numeric.lyapunov_sweep import lyapunov_gain_sweep

CONNECT_TIMEOUT = 10     # seconds to reach a scheduler address before giving up
NO_DASK = "sharding needs dask.distributed: pip install 'dask[distributed]'"


def shard_map(function, settings, *, scheduler=None):
    """[function(s) for s in settings], in order.  ``scheduler``: None (serial, in this
    process), a scheduler address ("tcp://host:8786") or a ``distributed.Client`` /
    ``LocalCluster`` object (the shards as dask tasks, keyed by their content)."""
    settings = list(settings)
    if scheduler is None:
        return [function(s) for s in settings]
    try:
        import distributed
    except ImportError as error:
        raise ValueError(NO_DASK) from error
    client, owned = _client(distributed, scheduler)
    try:
        return client.gather(client.map(function, settings, pure=True))
    finally:
        if owned:
            client.close()


def _client(distributed, scheduler):
    """(client, whether this call opened it and must close it)."""
    if isinstance(scheduler, distributed.Client):
        return scheduler, False
    if isinstance(scheduler, distributed.deploy.Cluster):
        return distributed.Client(scheduler, set_as_default=False), True
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise ValueError("scheduler must be None, an address like tcp://host:8786, or a "
                         f"distributed.Client or LocalCluster, got {scheduler!r}")
    try:
        if not scheduler.startswith("inproc://"):
            _probe(distributed, scheduler)
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except Exception as error:       # refused, timed out, bad scheme, not a dask server
        raise ValueError(f"cannot reach the dask scheduler at {scheduler}: "
                         f"{_cause(error)}") from error
    return client, True


def _probe(distributed, address):
    """Open and close one connection to ``address`` (within CONNECT_TIMEOUT seconds), in a
    fresh event loop on its own thread: a Client whose construction fails would instead wait
    2 × timeout when it is garbage-collected, and complain."""
    async def connect():
        comm = await distributed.comm.connect(address, timeout=CONNECT_TIMEOUT)
        await comm.close()

    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, connect()).result()


def _cause(error):
    """The error's text on one line, with its root cause when that says more."""
    root = error
    while (root.__cause__ or root.__context__) is not None:
        root = root.__cause__ or root.__context__
    text = " ".join(str(error).split()) or type(error).__name__
    deeper = " ".join(str(root).split())
    return f"{text} ({deeper})" if root is not error and deeper and deeper not in text else text


def scheduler_text(scheduler):
    """The scheduler as reported: None, the address string, or "local cluster" for a cluster
    or client object (its address changes from run to run)."""
    return scheduler if scheduler is None or isinstance(scheduler, str) else "local cluster"


@dataclass(frozen=True)
class LyapunovGrid:
    """λ over sizes × seeds × gains: ``lambda_max``, ``convergence``, ``spectral_radius``,
    ``sigma_max`` (H, R, G) and ``exponents`` (H, R, G, k) for ``hidden`` (H,), ``seeds``
    (R,), ``gains`` (G,); entry [i, j] is ``lyapunov_gain_sweep(..., hidden=hidden[i],
    seed=seeds[j])``."""

    cell: str
    activation: str | None
    gains: np.ndarray
    hidden: np.ndarray
    seeds: np.ndarray
    T: int
    k: int
    burn_in: int
    reorth_every: int
    lambda_max: np.ndarray
    exponents: np.ndarray
    convergence: np.ndarray
    spectral_radius: np.ndarray
    sigma_max: np.ndarray
    backend: str
    device: str
    scheduler: str | None
    init: str
    drive: str


def lyapunov_grid(cell, gains, T, *, hidden=(32,), seeds=(0,), activation=None, inputs=1,
                  noise=0.1, constant=0.0, k=1, burn_in=0, reorth_every=1, backend=None,
                  scheduler=None):
    """``numeric.lyapunov_gain_sweep`` for every (size, seed), one shard each, batched over
    the gains; ``scheduler`` as in ``shard_map``."""
    sizes, draws = sizes_and_seeds(hidden, seeds)
    check_names(cell, activation)
    if isinstance(T, bool) or not isinstance(T, int | np.integer) or T < 1:
        raise ValueError(f"T must be an integer >= 1, got {T!r}")
    sweep = functools.partial(_lyapunov_shard, cell, grid(gains, "gains"), T,
                              dict(activation=activation, inputs=inputs, noise=noise,
                                   constant=constant, k=k, burn_in=burn_in,
                                   reorth_every=reorth_every, backend=backend))
    shards = shard_map(sweep, settings(sizes, draws), scheduler=scheduler)
    first = shards[0]
    stack = functools.partial(stacked, shards, (len(sizes), len(draws)))
    return LyapunovGrid(first.cell, first.activation, first.gains, sizes, draws, first.T,
                        first.k, first.burn_in, first.reorth_every, stack("lambda_max"),
                        stack("exponents"), stack("convergence"), stack("spectral_radius"),
                        stack("sigma_max"), first.backend, joined(s.device for s in shards),
                        scheduler_text(scheduler), merged_text(shards, "init"),
                        merged_text(shards, "drive"))


def _lyapunov_shard(cell, gains, T, options, setting):
    n, seed = setting
    return lyapunov_gain_sweep(cell, gains, T, hidden=n, seed=seed, **options)


@dataclass(frozen=True)
class GainGrid:
    """log10‖∂s_T/∂s_0‖₂ (``log10_norm``) and log10‖∂h_T/∂h_0‖₂ (``log10_norm_h``) over sizes
    × seeds × gains × T, shape (H, R, G, len(T)); entry [i, j] is ``cell_gain_sweep(...,
    hidden=hidden[i], seed=seeds[j])``."""

    cell: str
    activation: str | None
    gains: np.ndarray
    hidden: np.ndarray
    seeds: np.ndarray
    T: np.ndarray
    log10_norm: np.ndarray
    log10_norm_h: np.ndarray
    regime: np.ndarray
    scheduler: str | None
    init: str
    drive: str


def gain_grid(cell, gains, T_values, *, hidden=(32,), seeds=(0,), activation=None, inputs=1,
              noise=0.1, constant=0.0, scheduler=None):
    """``numeric.cell_gain_sweep`` for every (size, seed), one shard each; ``scheduler`` as
    in ``shard_map``."""
    sizes, draws = sizes_and_seeds(hidden, seeds)
    check_names(cell, activation)
    sweep = functools.partial(_gain_shard, cell, grid(gains, "gains"), lengths(T_values),
                              dict(activation=activation, inputs=inputs, noise=noise,
                                   constant=constant))
    shards = shard_map(sweep, settings(sizes, draws), scheduler=scheduler)
    first = shards[0]
    stack = functools.partial(stacked, shards, (len(sizes), len(draws)))
    return GainGrid(first.cell, first.activation, first.values, sizes, draws, first.T,
                    stack("log10_norm"), stack("log10_norm_h"), stack("regime"),
                    scheduler_text(scheduler), merged_text(shards, "init"),
                    merged_text(shards, "drive"))


def _gain_shard(cell, gains, T, options, setting):
    n, seed = setting
    return cell_gain_sweep(cell, gains, T, hidden=n, seed=seed, **options)


def sizes_and_seeds(hidden, seeds):
    """(hidden (H,), seeds (R,)) as int arrays: sizes >= 1, seeds >= 0, non-empty, distinct."""
    return _int_list(hidden, "hidden sizes", 1), _int_list(seeds, "seeds", 0)


def check_names(cell, activation):
    """The cell and activation names, checked here before any shard is sent (a worker's
    error would come back as the same ValueError, after its traceback in the worker's log)."""
    derive.cell_kind(cell)
    if activation is not None:
        derive.activation(activation)


def _int_list(values, name, least):
    items = [values] if isinstance(values, int | np.integer) else values
    try:
        items = list(items)
    except TypeError:
        raise ValueError(f"{name} must be a list of integers, got {values!r}") from None
    if not items:
        raise ValueError(f"{name}: give at least one")
    bad = [v for v in items if isinstance(v, bool) or not isinstance(v, int | np.integer)
           or v < least]
    if bad:
        raise ValueError(f"{name} must be integers >= {least}, got {bad[0]!r} in {items!r}")
    repeated = sorted({int(v) for v in items if items.count(v) > 1})
    if repeated:
        raise ValueError(f"{name} must be distinct, got {repeated[0]} more than once")
    return np.array(items, dtype=np.int64)


def settings(sizes, draws):
    """The shards' (n, seed) settings, sizes outer, seeds inner (plain ints)."""
    return [(int(n), int(s)) for n in sizes for s in draws]


def stacked(shards, shape, name):
    """The shards' ``name`` arrays stacked to shape + the array's own shape."""
    values = np.stack([np.asarray(getattr(s, name)) for s in shards])
    return values.reshape(shape + values.shape[1:])


def joined(texts):
    """The distinct texts in order of first appearance, joined by ", "."""
    return ", ".join(dict.fromkeys(texts))


def merged_text(shards, name):
    """One description for all shards: the seed in "(seed s)" and "default_rng(s + 1)" made
    generic; the distinct texts, joined, if they still differ."""
    generic = (re.sub(r"\(seed \d+\)", "(each shard's seed)",
                      re.sub(r"default_rng\(\d+\) \(seed \+ 1\)", "default_rng(seed + 1)",
                             getattr(s, name)))
               for s in shards)
    return joined(generic)
