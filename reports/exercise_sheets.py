"""The exercise's task sheet for students as a document of the report's model
(``reports.doc``), and what the solutions sheet (``reports.exercise_solutions``) shares with it;
both are rendered to Markdown, HTML and LaTeX by ``reports.exercise_files``.

Every formula is a SymPy object: the channels and gate values of the cell type
(``reports.notes.gated_lstm``, ``derive.gate_values``) and the loss from ``derive.derivation``.
Every number comes from the exercise (``reports.exercise``).  The sheets are in English (both
languages of a ``Text`` hold the English).
"""

from functools import lru_cache

import sympy as sp

import derive
from reports.doc import (
    Aligned,
    Code,
    Display,
    Document,
    Items,
    Math,
    Para,
    Section,
    Text,
    Verbatim,
)
from reports.exercise import GATE_TITLES, INPUTS, case_text, gate_index, template_text
from reports.notes.gated_lstm import channel_rows

CHECK = "rnngrad check case.json --grads answer.json"
GRADE = "rnngrad check case.json --grads submissions/*.json --csv"
MODULES = {"elman": "nn.RNNCell", "lstm": "nn.LSTMCell", "gru": "nn.GRUCell"}


def en(text):
    """English prose (the sheets are rendered in English only)."""
    return Text(text, text)


def d_loss(name):
    return sp.Derivative(sp.Symbol("L"), sp.Symbol(name), evaluate=False)


def quantity(ex, q):
    """The math a question asks for: ∂L/∂W_hh, ∂L/∂c_0, ∂L/∂W_if."""
    if q.key.startswith("grad_"):
        return d_loss(f"{q.key[len('grad_')]}_0")
    if q.key == "weight_hh":
        return d_loss("W_hh")
    gate = q.key.rsplit("_", 1)[1]
    return d_loss(ex.kind.parameter("weight_ih").bases[gate_index(ex.kind, gate)])


def gates_text(kind):
    return ", ".join(b[len("W_h"):] for b in kind.parameter("weight_hh").bases)


def sizes_text(ex):
    return f"{ex.hidden} hidden units, {INPUTS} inputs, {ex.steps} steps, seed {ex.seed}"


def sizes_math(ex):
    n, m, T = sp.symbols("n m T")
    return (Math(sp.Eq(n, ex.hidden)), en(" hidden units, "), Math(sp.Eq(m, INPUTS)),
            en(" inputs, "), Math(sp.Eq(T, ex.steps)), en(" steps"))


def symbol_list(names):
    """Math parts for names, separated by commas: W_ii, W_if, …"""
    parts = []
    for name in names:
        parts += [en(", ")] if parts else []
        parts.append(Math(sp.Symbol(name)))
    return tuple(parts)


def made_by(ex):
    return Para(en("Made by "), Code(ex.command), en("; the same command gives the same "
                                                     "numbers."))


def model_blocks(ex):
    """The cell's equations in PyTorch's layout and gate order, and the loss."""
    kind, n = ex.kind, ex.hidden
    values = derive.gate_values(kind, derive.activation("tanh") if kind.takes_activation
                                else None)
    blocks, inputs = kind.parameter("weight_hh").bases, kind.parameter("weight_ih").bases
    stacking = () if len(blocks) == 1 else (
        en(f" The stacked parameters hold one block of {n} rows per gate, in PyTorch's order "
           f"({gates_text(kind)}): "), Code("weight_ih"), en(" stacks "), *symbol_list(inputs),
        en(" by rows, "), Code("weight_hh"), en(" stacks "), *symbol_list(blocks), en(", and "),
        Code("bias_ih"), en(", "), Code("bias_hh"), en(" likewise."))
    return (
        Para(en("The cell is PyTorch's "), Code(MODULES[ex.cell]), en(" with "),
             *sizes_math(ex), en(". At each step "), Math(sp.Symbol("k")),
             en(" it reads the input "), Math(sp.Symbol("x_k")),
             en(" and the previous state through these linear channels (x is "),
             Math(sp.Symbol("x_k")), en(", h is "), Math(sp.Symbol("h_{k-1}")), en(")."),
             *stacking),
        channel_rows(kind),
        Para(en("Then, unit by unit (a prime marks the new state, "
                + ("c the previous cell state, " if "c" in kind.state else "")
                + "h the previous hidden state):")),
        Aligned(tuple((symbol, [value]) for symbol, value in values)),
        Para(en("The loss reads the last hidden state only:")),
        Display(loss_relation(ex)),
    )


def bptt_steps(ex):
    """The last four steps of ``derive.derivation``: the loss, g_T, g_{k−1} = J_kᵀ g_k and
    ∂L/∂θ = Σ_k G_kᵀ g_k."""
    return _bptt_steps(ex.cell, ex.hidden, ex.steps)


@lru_cache(maxsize=8)
def _bptt_steps(name, hidden, steps):
    cell = derive.cell(name, hidden, INPUTS)
    steps = derive.derivation(cell, steps).steps[-4:]
    if steps[0].relation.lhs != sp.Symbol("L"):
        raise RuntimeError("the derivation no longer ends with the BPTT steps")
    return steps


def loss_relation(ex):
    return bptt_steps(ex)[0].relation


def shape_text(q):
    return "(" + ", ".join(str(s) for s in q.shape) + ("," if len(q.shape) == 1 else "") + ")"


def question_items(ex):
    items = []
    for q in ex.questions:
        extra = ""
        if q.key == "weight_hh" and len(ex.kind.parameter("weight_hh").bases) > 1:
            extra = (f": all {len(ex.kind.parameter('weight_hh').bases)} gate blocks, stacked "
                     f"in rows like weight_hh ({gates_text(ex.kind)})")
        elif q.key.startswith("weight_ih_"):
            gate = q.key.rsplit("_", 1)[1]
            first = gate_index(ex.kind, gate) * ex.hidden
            extra = (f": rows {first + 1} to {first + ex.hidden} of the gradient in "
                     f"weight_ih (the {GATE_TITLES[gate]}'s block)")
        items.append((Math(quantity(ex, q)), en(f", {q.title}{extra}; key "), Code(q.key),
                      en(", shape "), Code(shape_text(q)), en(".")))
    return Items(tuple(items), ordered=True)


def task_document(ex):
    """The task sheet: the model, what to compute, the numbers, how to answer and check."""
    model = Section("sec:model", en("The model"), (en("The cell and the loss, in PyTorch's "
                    "names, layout and gate order."),), model_blocks(ex),
                    (en("Every weight and bias of case.json enters exactly as written here."),))
    task = Section("sec:task", en("What to compute"), (en("The gradients asked for, with "
                   "their keys and shapes."),),
                   (Para(en("For the case below, compute:")), question_items(ex),
                    made_by(ex),
                    Para(en("The numbers (case.json; biases, states and inputs as PyTorch "
                            "names them, x one row per step):")),
                    Verbatim(case_text(ex.data))),
                   (en("Work in float64, by hand for small n or with your own BPTT (an answer "
                       "computed in float32 is checked with --dtype float32, within float32's "
                       "rounding)."),))
    answer = Section("sec:answer", en("Answer and check"), (en("How to hand in and how to "
                     "check your answer before you do."),),
                     (Para(en("Fill answer.json: replace the zeros by your numbers, keeping "
                              "its shape (a matrix is a list of rows). The template:")),
                      Verbatim(template_text(ex.questions)),
                      Para(en("Then check it:")), Verbatim(CHECK),
                      Para(en("Exit status 0 means every quantity is right. Exit status 1 "
                              "means one is wrong: the table names the worst entry, the "
                              "time step where your numbers depart, and the well-known "
                              "mistake that produces them when it is one (a transposed "
                              "matrix, a missing derivative, a shifted time index, …)."))),
                     (en("A gradient that passes the check is right to the rounding of its "
                         "dtype."),))
    return Document(en(f"Exercise: gradients through the {ex.kind.title} cell"),
                    en(sizes_text(ex)), (model, task, answer))
