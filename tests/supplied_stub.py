"""TEMPORARY stand-in for numeric.check_gradients (helper A) until its branch is merged."""

from dataclasses import dataclass

import numpy as np

CODES = {"transposed": "a matrix gradient transposed.", "sign": "the sign flipped.",
         "precision": "within the rounding of the dtype: not a bug."}


@dataclass(frozen=True)
class Q:
    name: str
    shape: tuple
    passed: bool
    max_abs_error: float
    max_rel_error: float
    tolerance: float
    tolerance_source: str
    worst: dict


@dataclass(frozen=True)
class F:
    code: str
    sentence: str
    detail: dict


@dataclass(frozen=True)
class Cost:
    seconds: float
    bytes: int
    probes: bool
    text: str


@dataclass(frozen=True)
class Taylor:
    slopes: tuple
    passed: bool


@dataclass(frozen=True)
class Check:
    passed: bool
    diagnosis: tuple
    findings: tuple
    quantities: tuple
    mode: str
    mode_reason: str
    cost: object
    dtype: str
    localisation: object
    taylor: object
    taylor_note: str = ""

    def to_dict(self):
        return {"passed": self.passed, "diagnosis": list(self.diagnosis),
                "quantities": [{"name": q.name, "passed": q.passed} for q in self.quantities]}


def make_stub(oracle):
    def check_gradients(case, supplied, *, dtype=None, rtol=None, probes=None, seed=0):
        derived = oracle(case_to_dict(case))
        dtype = dtype or str(np.result_type(*supplied.values()))
        tol = rtol or (1e-10 if dtype == "float64" else 1e-4)
        qs, findings = [], []
        for name, value in supplied.items():
            if name not in derived:
                raise ValueError(f"unknown name {name!r}")
            ref = derived[name]
            if value.shape != ref.shape:
                raise ValueError(f"{name} must have shape {ref.shape}, got {value.shape}")
            err = np.abs(value.astype(float) - ref)
            rel = err / np.maximum(np.abs(ref), 1e-300)
            idx = np.unravel_index(np.argmax(rel), rel.shape) if rel.ndim else ()
            ok = bool(rel.max() <= tol)
            qs.append(Q(name, ref.shape, ok, float(err.max()), float(rel.max()), tol,
                        f"{dtype} model", {"index": list(map(int, idx)), "time_step": None,
                                           "supplied": float(value[idx]),
                                           "derived": float(ref[idx])}))
            square = ref.ndim == 2 and ref.shape[0] == ref.shape[1]
            if not ok and square and np.allclose(value, ref.T):
                findings.append(F("transposed", "W_hh's gradient is transposed.", {}))
        passed = all(q.passed for q in qs)
        return Check(passed, tuple(f.code for f in findings), tuple(findings), tuple(qs), "full",
                     "below the threshold", Cost(0.01, 1000, False, "~0.01 s, 1 kB"), dtype, None,
                     Taylor((2.0, 2.01), passed))
    return check_gradients


def case_to_dict(case):
    return {"W_hh": case.W_hh, "W_xh": case.W_xh, "b_h": case.b_h, "h0": case.h0, "x": case.x,
            "y": case.y}
