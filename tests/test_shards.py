"""numeric.shards: grid sweeps sharded over a dask.distributed LocalCluster equal the serial
grid exactly, and each shard equals the gain sweep of its (size, seed) called directly."""

import builtins
import subprocess
import sys
import time

import distributed
import numpy as np
import pytest

import numeric
from numeric import shards
from tests.readme_blocks import ROOT

GAINS = [0.5, 1.0, 2.0]
T = 100
SIZES = [8, 16]
SEEDS = [0, 1]
ARRAYS = ("gains", "hidden", "seeds", "lambda_max", "exponents", "convergence",
          "spectral_radius", "sigma_max")


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes (each with its own interpreter, so the shards
    really travel as pickled tasks), no dashboard."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local


@pytest.fixture(scope="module")
def serial():
    return numeric.lyapunov_grid("elman", GAINS, T, hidden=SIZES, seeds=SEEDS, k=2)


def assert_same_grid(a, b):
    for name in ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    for name in ("cell", "activation", "T", "k", "burn_in", "reorth_every", "backend",
                 "device", "init", "drive"):
        assert getattr(a, name) == getattr(b, name), name


def test_lyapunov_grid_shards_equal_direct_sweeps(serial):
    assert serial.lambda_max.shape == (2, 2, 3)
    assert serial.exponents.shape == (2, 2, 3, 2)
    assert serial.hidden.tolist() == SIZES and serial.seeds.tolist() == SEEDS
    for i, n in enumerate(SIZES):
        for j, seed in enumerate(SEEDS):
            direct = numeric.lyapunov_gain_sweep("elman", GAINS, T, hidden=n, seed=seed, k=2)
            for name in ("lambda_max", "exponents", "convergence", "spectral_radius",
                         "sigma_max"):
                assert np.array_equal(getattr(serial, name)[i, j], getattr(direct, name)), name


def test_lyapunov_grid_cluster_object_equals_serial(cluster, serial):
    sharded = numeric.lyapunov_grid("elman", GAINS, T, hidden=SIZES, seeds=SEEDS, k=2,
                                    scheduler=cluster)
    assert_same_grid(sharded, serial)
    assert sharded.scheduler == "local cluster" and serial.scheduler is None


def test_lyapunov_grid_address_equals_serial(cluster, serial):
    address = cluster.scheduler_address
    sharded = numeric.lyapunov_grid("elman", GAINS, T, hidden=SIZES, seeds=SEEDS, k=2,
                                    scheduler=address)
    assert_same_grid(sharded, serial)
    assert sharded.scheduler == address


def test_shard_map_client_keeps_order(cluster):
    with distributed.Client(cluster, set_as_default=False) as client:
        assert numeric.shard_map(abs, [-3, 1, -2, 5], scheduler=client) == [3, 1, 2, 5]
        assert client.status == "running"      # a client passed in is left open


def test_gain_grid_cluster_equals_direct_sweeps(cluster):
    sharded = shards.gain_grid("elman", [0.5, 2.0], [10, 40], hidden=[4, 6], seeds=[2],
                               scheduler=cluster.scheduler_address)
    assert sharded.log10_norm.shape == (2, 1, 2, 2)
    for i, n in enumerate([4, 6]):
        direct = numeric.cell_gain_sweep("elman", [0.5, 2.0], [10, 40], hidden=n, seed=2)
        assert np.array_equal(sharded.log10_norm[i, 0], direct.log10_norm)
        assert np.array_equal(sharded.log10_norm_h[i, 0], direct.log10_norm_h)


@pytest.mark.parametrize("hidden, seeds, message", [
    ([], [0], "hidden sizes: give at least one"),
    ([8, 0], [0], "hidden sizes must be integers >= 1, got 0"),
    ([8, 2.5], [0], "hidden sizes must be integers >= 1, got 2.5"),
    ([8, True], [0], "hidden sizes must be integers >= 1, got True"),
    ([8, 16, 8], [0], "hidden sizes must be distinct, got 8 more than once"),
    ([8], [0, -1], "seeds must be integers >= 0, got -1"),
    ([8], [1, 1], "seeds must be distinct, got 1 more than once"),
    ([8], [], "seeds: give at least one"),
    ([8], None, "seeds must be a list of integers, got None"),
])
def test_lyapunov_grid_bad_lists(hidden, seeds, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        numeric.lyapunov_grid("elman", GAINS, T, hidden=hidden, seeds=seeds)


@pytest.mark.parametrize("cell, activation, T, message", [
    ("nope", None, T, "unknown cell 'nope'"),
    ("elman", "foo", T, "unknown activation 'foo'"),
    ("elman", None, 0, "T must be an integer >= 1, got 0"),
])
def test_lyapunov_grid_bad_setting_before_any_shard(cell, activation, T, message):
    """Checked here, so the unreachable scheduler is never contacted."""
    with pytest.raises(ValueError, match=message):
        numeric.lyapunov_grid(cell, GAINS, T, activation=activation,
                              scheduler="tcp://127.0.0.1:1")


def test_shard_map_unreachable_address(monkeypatch):
    monkeypatch.setattr(shards, "CONNECT_TIMEOUT", 1)
    start = time.monotonic()
    with pytest.raises(ValueError) as error:
        numeric.lyapunov_grid("elman", GAINS, T, hidden=[8], scheduler="tcp://127.0.0.1:1")
    text = str(error.value)
    assert "\n" not in text
    assert text.startswith("cannot reach the dask scheduler at tcp://127.0.0.1:1: ")
    assert "connect" in text.split(": ", 1)[1]
    assert time.monotonic() - start < 60       # a bound on a hang, not a timing measurement


def test_shard_map_bad_scheduler():
    with pytest.raises(ValueError, match="scheduler must be None, an address"):
        numeric.shard_map(abs, [1], scheduler=8786)


def test_shard_map_without_dask(monkeypatch):
    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.split(".")[0] in ("dask", "distributed"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(ValueError) as error:
        numeric.shard_map(abs, [1], scheduler="tcp://127.0.0.1:8786")
    assert str(error.value) == ("sharding needs dask.distributed: "
                                "pip install 'dask[distributed]'")
    assert numeric.shard_map(abs, [-1, 2]) == [1, 2]     # serial needs no dask


def test_import_numeric_does_not_load_dask():
    code = ("import sys, numeric; "
            "print(','.join(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == ""
