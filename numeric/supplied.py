"""Check *your* gradient: supplied quantities (∂L/∂θ, ∂L/∂s_0, L, δ_k, J_k, ∂s_T/∂s_0) against
the derived ones, entry by entry, with the tolerance and its source, the worst entry, and when
something is wrong the matching well-known mistakes (``numeric.diagnose``).

    check_gradients(case, {"weight_hh": G}) → SuppliedCheck(.passed, .diagnosis, .quantities)

Names and shapes: ``numeric.supplied_names``; tolerances: ``numeric.supplied_compare``; large
cases are checked by random projections (``numeric.probes``); small float64 cases also get a
Taylor test (remainder slope 2 for a correct gradient), reported beside the verdict.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np

from numeric import supplied_compare as compare
from numeric.supplied_names import resolve
from numeric.supplied_reference import derived_quantities
from numeric.supplied_taylor import supplied_taylor

PRECISION = {"float64": "the differences exceed the cheap float64 rule (about 1e-9 relative) but "
                        "are within float64's rounding model (saturated or chaotic steps lose "
                        "digits in any float64 code): not a bug",
             "lower": "the differences are within the expected rounding of {dtype} (beyond what "
                      "float64 would give): not a bug"}

PROBES_DIAGNOSIS = ("not attempted with random projections: the known mistakes are recognised "
                    "on the full gradient (run without --probes / probes=None)")


@dataclass(frozen=True)
class SuppliedCheck:
    """The verdict on every supplied quantity (``quantities``: ``QuantityCheck``s), the codes of
    the matching mistakes (``diagnosis``; "precision" = within rounding, passed), ``findings``
    (code, sentence, detail), ``localisation`` (first departing time step when no mistake
    matches), ``mode`` "full" | "probes" and why, the cost estimate, the dtype judged in, and
    the Taylor test (None with ``taylor_note`` saying why); ``diagnosis_note`` says why no
    diagnosis was attempted (random projections), else ""."""

    passed: bool
    diagnosis: tuple
    findings: tuple
    quantities: tuple
    mode: str
    mode_reason: str
    cost: object
    dtype: str
    localisation: object = None
    taylor: object = None
    taylor_note: str = ""
    diagnosis_note: str = ""

    def to_dict(self):
        """JSON-ready and deterministic: arrays as lists, NaN/inf as None."""
        return {"passed": self.passed, "diagnosis": list(self.diagnosis),
                "findings": [_plain(f) for f in self.findings],
                "quantities": [q.to_dict() for q in self.quantities], "mode": self.mode,
                "mode_reason": self.mode_reason, "cost": _plain(self.cost), "dtype": self.dtype,
                "localisation": _plain(self.localisation),
                "taylor": _plain(self.taylor), "taylor_note": self.taylor_note,
                "diagnosis_note": self.diagnosis_note}


def _plain(value):
    if value is None:
        return None
    if hasattr(value, "to_dict"):
        return _json(value.to_dict())
    if dataclasses.is_dataclass(value):
        return _json(dataclasses.asdict(value))
    return _json(value)


def _json(value):
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_json(v) for v in value]
    return compare.finite(value)


def check_gradients(case, supplied, *, dtype=None, rtol=None, probes=None, seed=0):
    """A ``SuppliedCheck`` of ``supplied`` (name → array) against ``case`` (a ``Case`` or
    ``CellCase`` with y).  ``dtype`` the precision the supplied values were computed in
    (default: inferred from the arrays; lists are float64); ``rtol`` replaces the tolerance
    model by allowed = rtol·(|d| + 10⁻³·max|d|); ``probes`` K: check K random projections.

    >>> import numpy as np, derive, numeric
    >>> case = numeric.Case(derive.activation("tanh"), np.eye(2) / 2, np.ones((2, 1)),
    ...                     np.zeros(2), np.zeros(2), np.ones((3, 1)), np.zeros(2))
    >>> check_gradients(case, {"W_hh": numeric.bptt(case.activation, case.W_hh, case.W_xh,
    ...     case.b_h, case.h0, case.x, case.y).W_hh}).passed
    True
    """
    values, dtype = resolve(case, supplied, dtype)
    rtol = _positive(rtol, "rtol", float)
    probes = _positive(probes, "probes", int)
    cost = _cost(case, tuple(values), dtype)
    if probes is not None or getattr(cost, "probes", False):
        return _probe_result(case, values, dtype, cost, probes, seed, rtol)
    reference = derived_quantities(case, tuple(values))
    allowed, sources, outside = _tolerances(case, values, reference, dtype, rtol)
    quantities = tuple(compare.compare(name, values[name], reference[name], allowed[name],
                                       sources[name]) for name in values)
    passed = all(q.passed for q in quantities)
    findings, localisation = (), None
    if not passed:
        findings, localisation = _diagnose(case, values, reference, allowed, dtype)
    elif rtol is None:
        findings = _precision(values, reference, dtype, outside)
    taylor, note = supplied_taylor(case, values, dtype, seed)
    return SuppliedCheck(passed, tuple(f.code for f in findings), findings, quantities, "full",
                         cost.text, cost, dtype, localisation, taylor, note)


def _positive(value, name, kind):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
            or not np.isfinite(value) or value <= 0 or (kind is int and value != int(value)):
        what = "a positive number" if kind is float else "a positive whole number"
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return kind(value)


def _tolerances(case, values, reference, dtype, rtol):
    """name → allowed absolute errors, name → the sentence saying where they come from, and
    the names the rounding model judged (float64: those beyond the a-priori rule)."""
    if rtol is not None:
        return ({name: compare.from_rtol(reference[name], rtol) for name in values},
                dict.fromkeys(values, compare.rtol_text(rtol)), [])
    allowed = {name: compare.a_priori(reference[name]) for name in values}
    sources = dict.fromkeys(values, compare.A_PRIORI_TEXT)
    outside = [name for name in values if dtype != "float64"
               or not compare.within_a_priori(values[name], reference[name])]
    if outside:
        from numeric.rounding import rounding_model

        model = rounding_model(case, outside, dtype,
                               reference={name: reference[name] for name in outside})
        for name in outside:
            allowed[name] = np.maximum(allowed[name], model.allowed[name]) \
                if dtype == "float64" else model.allowed[name]
            sources[name] = model.source
    return allowed, sources, outside


def _precision(values, reference, dtype, outside):
    """The "precision" finding when some entry exceeds the float64 a-priori rule (but every
    quantity passed under the rounding model of ``dtype``); ``outside``: for float64, the
    names already found beyond the rule."""
    names = outside if dtype == "float64" else [
        name for name in values if not compare.within_a_priori(values[name], reference[name])]
    if not names:
        return ()
    text = PRECISION.get(dtype, PRECISION["lower"]).format(dtype=dtype)
    return (_finding("precision", f"{', '.join(names)}: {text}",
                     {"dtype": dtype, "quantities": names}),)


def _finding(code, sentence, detail):
    from numeric.diagnose import Finding

    return Finding(code, sentence, detail)


def _for_diagnosis(case, values):
    """The names the diagnosis reads: a legacy case's bias_hh as b_h (when b_h is not given),
    an LSTM's delta_state as delta ((T, S))."""
    from numeric.case import Case

    out = dict(values)
    if isinstance(case, Case) and "bias_hh" in out:
        value = out.pop("bias_hh")
        out.setdefault("b_h", value)
    if "delta_state" in out:
        out.setdefault("delta", out.pop("delta_state"))
    return out


def _diagnose(case, values, reference, allowed, dtype):
    from numeric.diagnose import diagnose, localise

    args = (case, *(_for_diagnosis(case, d) for d in (values, reference, allowed)))
    findings = tuple(diagnose(*args, dtype=dtype))
    return findings, (None if findings else localise(*args))


def _cost(case, names, dtype):
    from numeric.check_cost import estimate_cost

    return estimate_cost(case, sorted({_probe_name(case, name) for name in names}), dtype)


def _probe_name(case, name):
    """The name ``numeric.probes`` knows a quantity by: a legacy case's bias_hh is ∂L/∂b_h,
    an LSTM's delta_state its (T, S) delta."""
    if name == "delta_state":
        return "delta"
    return "b_h" if name == "bias_hh" and not hasattr(case, "kind") else name


def _probe_result(case, values, dtype, cost, probes, seed, rtol):
    from numeric.probes import probe_check

    K = probes if probes is not None else 16
    reason = (f"random projections: {K} asked for" if probes is not None else
              f"random projections ({K}) instead of the {cost.text}")
    first, second = {}, {}  # second: a legacy case's bias_hh when b_h is given too
    for name in values:
        probe = _probe_name(case, name)
        (second if probe in first else first)[probe] = name
    checks = {}
    for call in filter(None, (first, second)):
        found = probe_check(case, {probe: values[name] for probe, name in call.items()},
                            probes=K, seed=seed, dtype=dtype)
        checks.update({name: found[probe] for probe, name in call.items()})
    quantities = tuple(_probe_quantity(name, values[name].shape, checks[name], rtol)
                       for name in values)
    return SuppliedCheck(all(q.passed for q in quantities), (), (), quantities, "probes",
                         reason, cost, dtype, None, None,
                         "not run with random projections", PROBES_DIAGNOSIS)


def _probe_quantity(name, shape, check, rtol):
    """A ``QuantityCheck`` over the K probes (index = probe number); ``rtol`` as for entries."""
    allowed, source = check.allowed, check.bound or check.method
    if rtol is not None:
        allowed, source = compare.from_rtol(check.derived, rtol), compare.rtol_text(rtol)
    q = compare.compare(name, check.supplied, check.derived, allowed, source, check.method,
                        time=lambda index: None)
    return dataclasses.replace(q, shape=tuple(shape))
