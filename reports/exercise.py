"""``rnngrad exercise``: a small random cell case with machine-checked answers.

An exercise is a case (``case.json``, the cell case format of ``rnngrad check``), the questions
asked about it and their answers, computed by ``numeric.cell_bptt`` for L = ½‖h_T − y‖²:

    every cell   ∂L/∂W_hh                          key weight_hh, (blocks·n, n)
    lstm         ∂L/∂c_0 and ∂L/∂W_if (forget gate)  keys grad_c0 (n,), weight_ih_f (n, m)
    gru          ∂L/∂h_0 and ∂L/∂W_iz (update gate)  keys grad_h0 (n,), weight_ih_z (n, m)

The numbers are drawn from ``numpy.random.default_rng(seed)`` and rounded to ``DECIMALS``
decimals, so that the same seed gives the same case and students can read it.

>>> ex = make_exercise("gru", 2, 3, seed=0)
>>> [(q.key, q.shape) for q in ex.questions]
[('weight_hh', (6, 2)), ('grad_h0', (2,)), ('weight_ih_z', (2, 2))]
"""

import json
import math
from dataclasses import dataclass, field

import numpy as np

import derive
import numeric

CELLS = ("elman", "lstm", "gru")
MAX_HIDDEN, MAX_STEPS, MAX_SEED = 16, 50, 2 ** 63 - 1
INPUTS = 2          # m, the input size of every exercise
DECIMALS = 2        # every number of case.json
VECTOR_LINE = 12    # numbers per line of a long vector in case.json
#: per cell: (state part asked for at k = 0, or None; the gate whose input weights are asked)
EXTRA = {"elman": (None, None), "lstm": ("c", "f"), "gru": ("h", "z")}
GATE_TITLES = {"f": "forget gate", "z": "update gate"}


@dataclass(frozen=True)
class Question:
    """One quantity asked for: its answer key, shape, and what it is in words."""

    key: str
    shape: tuple
    title: str


@dataclass(frozen=True)
class Exercise:
    """The case (``data``: the case file as a dict; ``case``: its CellCase), the questions,
    the answers (key → float64 array) and the loss."""

    cell: str
    hidden: int
    steps: int
    seed: int
    data: dict = field(hash=False)
    case: object = field(hash=False)
    questions: tuple = ()
    answers: dict = field(default_factory=dict, hash=False)
    loss: float = 0.0

    @property
    def kind(self):
        return self.case.kind

    @property
    def command(self):
        return (f"rnngrad exercise --cell {self.cell} --hidden {self.hidden} "
                f"--steps {self.steps} --seed {self.seed}")


def validate(cell, hidden, steps, seed):
    """ValueError (one line) for a request outside what an exercise supports."""
    if cell not in CELLS:
        raise ValueError(f"unknown cell {cell!r} for an exercise; choose one of "
                         f"{', '.join(CELLS)}")
    for name, value, top in (("--hidden", hidden, MAX_HIDDEN), ("--steps", steps, MAX_STEPS)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise ValueError(f"{name} must be an integer from 1 to {top} (an exercise is "
                             f"worked by hand or by a short program), got {value}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"--seed must be an integer from 0 to 2^63 - 1, got {seed}")


def _rounded(values):
    """Nested lists of floats rounded to DECIMALS (never −0.0)."""
    return (np.round(values, DECIMALS) + 0.0).tolist()


def case_data(cell, hidden, steps, seed):
    """The case file as a dict: parameters uniform(−1/√n, 1/√n) (PyTorch's default range) in
    the cell's parameter order, then h_0 (and c_0) uniform(−½, ½), x ~ N(0, 1) of shape
    (T, m), y uniform(−1, 1); all from ``default_rng(seed)``, rounded to DECIMALS."""
    kind = derive.cell_kind(cell)
    rng = np.random.default_rng(seed)
    n, m, bound = hidden, INPUTS, 1 / math.sqrt(hidden)
    data = {"cell": cell}
    if kind.takes_activation:
        data["nonlinearity"] = "tanh"
    for p in kind.parameters:
        rows, cols = p.shape(n, m)
        data[p.name] = _rounded(rng.uniform(-bound, bound, (rows, cols) if p.columns != 1
                                            else (rows,)))
    for part in kind.state:
        data[f"{part}0"] = _rounded(rng.uniform(-0.5, 0.5, n))
    data["x"] = _rounded(rng.normal(size=(steps, m)))
    data["y"] = _rounded(rng.uniform(-1, 1, n))
    return data


def questions(kind, n, m):
    """The questions for a cell type with n hidden units and m inputs."""
    rows = kind.parameter("weight_hh").shape(n, m)
    found = [Question("weight_hh", rows, "the gradient of the loss in the recurrent weights")]
    part, gate = EXTRA[kind.name]
    if part is not None:
        title = "cell state" if part == "c" else "hidden state"
        found.append(Question(f"grad_{part}0", (n,), f"the gradient in the initial {title}"))
    if gate is not None:
        found.append(Question(f"weight_ih_{gate}", (n, m), "the gradient in the "
                              f"{GATE_TITLES[gate]}'s input weights"))
    return tuple(found)


def gate_index(kind, gate):
    """The row block of ``gate`` in PyTorch's stacked parameters (lstm f → 1, gru z → 1)."""
    return [base[len("W_i"):] for base in kind.parameter("weight_ih").bases].index(gate)


def answers(case, asked):
    """{key: float64 array}: each question's answer from ``numeric.cell_bptt``."""
    grads = numeric.cell_bptt(case.kind, case.activation, case.params, case.s0, case.x, case.y)
    n, found = case.hidden, {}
    for q in asked:
        if q.key.startswith("grad_"):
            part = case.kind.state.index(q.key[len("grad_")])
            found[q.key] = grads.state0[part * n:(part + 1) * n]
        elif q.key == "weight_hh":
            found[q.key] = grads.params["weight_hh"]
        else:
            block = gate_index(case.kind, q.key.rsplit("_", 1)[1])
            found[q.key] = grads.params["weight_ih"][block * n:(block + 1) * n]
    return found, grads.loss


def make_exercise(cell, hidden, steps, seed=0):
    """The exercise for these settings (ValueError for settings outside the limits)."""
    validate(cell, hidden, steps, seed)
    data = case_data(cell, hidden, steps, seed)
    case = numeric.case_from_dict(json.loads(case_text(data)))
    asked = questions(case.kind, hidden, INPUTS)
    found, loss = answers(case, asked)
    return Exercise(cell, hidden, steps, seed, data, case, asked, found, loss)


def json_text(data, indent="  "):
    """A JSON object with one key per line and every matrix row on its own line."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], list):
            rows = ",\n".join(f"{indent * 2}{json.dumps(row)}" for row in value)
            text = f"[\n{rows}\n{indent}]"
        elif isinstance(value, list) and len(value) > VECTOR_LINE:
            rows = ",\n".join(f"{indent * 2}{json.dumps(value[i:i + VECTOR_LINE])[1:-1]}"
                              for i in range(0, len(value), VECTOR_LINE))
            text = f"[\n{rows}\n{indent}]"
        else:
            text = json.dumps(value)
        lines.append(f"{indent}{json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def case_text(data):
    """case.json's text."""
    return json_text(data)


def template_text(asked):
    """answer.json's text: every asked key with zeros of its shape."""
    return json_text({q.key: np.zeros(q.shape).tolist() for q in asked})
