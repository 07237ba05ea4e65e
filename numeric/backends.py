"""Array backends for the long products: NumPy (the default, always there), JAX or PyTorch when
installed, on the GPU when one is present; float64 throughout.

Only the O(T·n³) work runs on a backend: the products of step Jacobians (with the exact
power-of-two rescaling) and their QR re-orthonormalisation.  The forward pass and φ'(a) (O(T·n²))
stay in NumPy, so every backend multiplies the same step Jacobians and the backends differ only
in the order of the roundings of the products: on settings that are not chaotic they agree to
1e-12 relative.  ``backend(name)`` picks one; ``describe()`` is what the JSON reports.

>>> b = backend("numpy")
>>> b.describe()
{'backend': 'numpy', 'device': 'cpu'}
>>> float(b.to_numpy(b.matmul(b.asarray([[2.0]]), b.asarray([[3.0]])))[0, 0])
6.0
"""

import importlib.util
from dataclasses import dataclass

import numpy as np

BACKENDS = ("numpy", "jax", "torch")
INSTALL = {"jax": "pip install jax (CUDA: pip install 'jax[cuda12]')",
           "torch": "pip install torch"}


@dataclass(frozen=True)
class Backend:
    """One array library on one device; the operations the product and QR kernels use."""

    name: str
    device: str
    xp: object = None          # numpy, jax.numpy or torch
    handle: object = None      # the jax device or the torch device

    def describe(self):
        return {"backend": self.name, "device": self.device}

    def asarray(self, a):
        a = np.ascontiguousarray(a, dtype=np.float64)
        if self.name == "numpy":
            return a
        if not a.flags.writeable:   # a broadcast view (one setting): torch warns on those
            a = a.copy()
        if self.name == "jax":
            import jax

            return jax.device_put(a, self.handle)
        return self.xp.from_numpy(a).to(self.handle)

    def to_numpy(self, a):
        if self.name == "torch":
            return a.detach().cpu().numpy()
        return np.asarray(a)

    def matmul(self, a, b):
        return self.xp.matmul(a, b)

    def moveaxis(self, a, source, destination):
        if self.name == "torch":
            return self.xp.movedim(a, source, destination)
        return self.xp.moveaxis(a, source, destination)

    def scale_rows(self, d, M):
        """diag(d) M for stacks: d (..., S), M (..., S, C)."""
        return d[..., :, None] * M

    def qr(self, M):
        """The reduced QR of every matrix of the stack M (..., S, k)."""
        if self.name == "torch":
            return self.xp.linalg.qr(M, mode="reduced")
        return self.xp.linalg.qr(M)

    def log_abs_diagonal(self, R):
        """log |R_ii| for the stack R (..., k, k) → (..., k) (−inf for an exact zero)."""
        xp = self.xp
        return xp.log(xp.abs(xp.diagonal(R, 0, -2, -1) if self.name != "numpy"
                             else np.diagonal(R, axis1=-2, axis2=-1)))

    def rescale(self, P):
        """(P / 2^e, e): e the exponent of each stack member's largest |entry| (then in [½, 1));
        exact, in two factors so a subnormal P does not overflow 2^-e; e = 0 for a zero P."""
        xp = self.xp
        biggest = xp.abs(P).reshape(P.shape[:-2] + (-1,)).max(-1)
        if self.name == "torch":
            biggest = biggest.values if hasattr(biggest, "values") else biggest
            e = xp.frexp(biggest).exponent.to(xp.float64)
        else:
            e = xp.frexp(biggest)[1].astype(np.float64)
        half = xp.floor(-e / 2)
        P = P * (2.0 ** half)[..., None, None]
        return P * (2.0 ** (-e - half))[..., None, None], e

    def top_singular_values(self, P):
        """σ_max of every matrix of the stack P (..., S, C)."""
        if self.name == "torch":
            return self.xp.linalg.matrix_norm(P, ord=2)
        return self.xp.linalg.norm(P, 2, axis=(-2, -1))


def backend(name=None):
    """The backend called ``name`` (None: numpy); JAX and PyTorch on their first GPU when one
    is present, else on the CPU.  ValueError for an unknown name or a library not installed."""
    name = "numpy" if name is None else name
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose one of: {', '.join(BACKENDS)}")
    if name == "numpy":
        return Backend("numpy", "cpu", np)
    if importlib.util.find_spec(name) is None:
        raise ValueError(f"the {name} backend needs {name}, which is not installed here: "
                         f"{INSTALL[name]}; or use --backend numpy")
    return _jax() if name == "jax" else _torch()


def _jax():
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    gpus = [d for d in jax.devices() if d.platform == "gpu"] if _has_jax_gpu(jax) else []
    device = gpus[0] if gpus else jax.devices("cpu")[0]
    label = f"gpu:{device.id}" if gpus else "cpu"
    return Backend("jax", label, jnp, device)


def _has_jax_gpu(jax):
    try:
        return bool(jax.devices("gpu"))
    except RuntimeError:
        return False


def _torch():
    import torch

    device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    return Backend("torch", str(device), torch, device)
