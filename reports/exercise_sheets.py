"""The exercise's two sheets as documents of the report's model (``reports.doc``): the task
for students and the solutions for the lecturer, rendered to Markdown, HTML and LaTeX by
``reports.exercise_files``.

Every formula is a SymPy object: the channels and gate values of the cell type
(``reports.notes.gated_lstm``, ``derive.gate_values``), its derived step Jacobian
(``derive.readable_jacobian``), the BPTT steps of ``derive.derivation`` and the per-channel
errors read off that Jacobian (``reports.exercise_formulas``).  Every number comes from the
exercise (``reports.exercise``).  The sheets are in English (both languages of a ``Text``
hold the English).
"""

from functools import lru_cache

import numpy as np
import sympy as sp

import derive
from reports import exercise_formulas as ef
from reports.doc import (
    Aligned,
    Code,
    Display,
    Document,
    Heading,
    Items,
    Math,
    Para,
    Section,
    Steps,
    Text,
    Verbatim,
    num,
)
from reports.exercise import GATE_TITLES, INPUTS, case_text, template_text
from reports.notes.gated_lstm import channel_rows, jacobian_rows

CHECK = "rnngrad check case.json --grads answer.json"
GRADE = "rnngrad check case.json --grads submissions/*.json --csv"
MODULES = {"elman": "nn.RNNCell", "lstm": "nn.LSTMCell", "gru": "nn.GRUCell"}


def en(text):
    """English prose (the sheets are rendered in English only)."""
    return Text(text, text)


def _L_by(name):
    return sp.Derivative(sp.Symbol("L"), sp.Symbol(name), evaluate=False)


def quantity(ex, q):
    """The math a question asks for: ∂L/∂W_hh, ∂L/∂c_0, ∂L/∂W_if."""
    if q.key.startswith("grad_"):
        return _L_by(f"{q.key[len('grad_')]}_0")
    if q.key == "weight_hh":
        return _L_by("W_hh")
    gate = q.key.rsplit("_", 1)[1]
    return _L_by(ex.kind.parameter("weight_ih").bases[_index(ex.kind, gate)])


def _index(kind, gate):
    return [b[len("W_i"):] for b in kind.parameter("weight_ih").bases].index(gate)


def _gates(kind):
    return ", ".join(b[len("W_h"):] for b in kind.parameter("weight_hh").bases)


def _sizes(ex):
    return f"{ex.hidden} hidden units, {INPUTS} inputs, {ex.steps} steps, seed {ex.seed}"


def _sizes_math(ex):
    n, m, T = sp.symbols("n m T")
    return (Math(sp.Eq(n, ex.hidden)), en(" hidden units, "), Math(sp.Eq(m, INPUTS)),
            en(" inputs, "), Math(sp.Eq(T, ex.steps)), en(" steps"))


def _symbols(names):
    """Math parts for names, separated by commas: W_ii, W_if, …"""
    parts = []
    for name in names:
        parts += [en(", ")] if parts else []
        parts.append(Math(sp.Symbol(name)))
    return tuple(parts)


def _made_by(ex):
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
           f"({_gates(kind)}): "), Code("weight_ih"), en(" stacks "), *_symbols(inputs),
        en(" by rows, "), Code("weight_hh"), en(" stacks "), *_symbols(blocks), en(", and "),
        Code("bias_ih"), en(", "), Code("bias_hh"), en(" likewise."))
    return (
        Para(en("The cell is PyTorch's "), Code(MODULES[ex.cell]), en(" with "),
             *_sizes_math(ex), en(". At each step "), Math(sp.Symbol("k")),
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


def _shape(q):
    return "(" + ", ".join(str(s) for s in q.shape) + ("," if len(q.shape) == 1 else "") + ")"


def question_items(ex):
    items = []
    for q in ex.questions:
        extra = ""
        if q.key == "weight_hh" and len(ex.kind.parameter("weight_hh").bases) > 1:
            extra = (f": all {len(ex.kind.parameter('weight_hh').bases)} gate blocks, stacked "
                     f"in rows like weight_hh ({_gates(ex.kind)})")
        elif q.key.startswith("weight_ih_"):
            gate = q.key.rsplit("_", 1)[1]
            first = _index(ex.kind, gate) * ex.hidden
            extra = (f": rows {first + 1} to {first + ex.hidden} of the gradient in "
                     f"weight_ih (the {GATE_TITLES[gate]}'s block)")
        items.append((Math(quantity(ex, q)), en(f", {q.title}{extra}; key "), Code(q.key),
                      en(", shape "), Code(_shape(q)), en(".")))
    return Items(tuple(items), ordered=True)


def task_document(ex):
    """The task sheet: the model, what to compute, the numbers, how to answer and check."""
    model = Section("sec:model", en("The model"), (en("The cell and the loss, in PyTorch's "
                    "names, layout and gate order."),), model_blocks(ex),
                    (en("Every weight and bias of case.json enters exactly as written here."),))
    task = Section("sec:task", en("What to compute"), (en("The gradients asked for, with "
                   "their keys and shapes."),),
                   (Para(en("For the case below, compute:")), question_items(ex),
                    _made_by(ex),
                    Para(en("The numbers (case.json; biases, states and inputs as PyTorch "
                            "names them, x one row per step):")),
                    Verbatim(case_text(ex.data))),
                   (en("Work in float64 (float32 answers are judged within float32's "
                       "rounding); by hand for small n, or with your own BPTT."),))
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
                    en(_sizes(ex)), (model, task, answer))


def derivation_blocks(ex):
    """The step Jacobian, BPTT, and each asked quantity's formula."""
    kind, act = ex.kind, ef.activation(ex.kind)
    bases = ef.recurrent_bases(kind)
    errors = [ef.channel_error(kind, base) for base in bases]
    gradients = [ef.weight_gradient(kind, base, ex.hidden, "h") for base in bases]
    state = []
    for part in kind.state:
        state += [en(", ")] if state else []
        state.append(Math(sp.Eq(ef.error_symbol(part), _L_by(f"{part}_k"))))
    blocks = [
        Para(en("The step Jacobian, derived by SymPy from the unit map, block by block (entry "
                "i, j; the gate values are unit i's at step k, unprimed states are step "
                "k − 1's, primed ones step k's):")),
        jacobian_rows(kind, act),
        Para(en("Backpropagation through time, with "),
             Math(sp.Eq(sp.Symbol("g_k"), _L_by("s_k"))), en(":")),
        Steps(tuple(bptt_steps(ex))),
        Para(en("The error that reaches each channel at step k, per unit ("), *state,
             en("), is read off the Jacobian: the coefficient of a recurrent weight's entry "
                "is the derivative of the new state in that weight's channel."
                + (" A g without index is the cell gate's value." if "c" in kind.state
                   else ""))),
        *(Display(error) for error in errors),
        Para(en("Each block of the recurrent weights' gradient sums the error times the "
                "previous hidden state:")),
        *(Display(gradient) for gradient in gradients),
    ]
    if len(bases) > 1:
        blocks.append(Para(Math(_L_by("W_hh")), en(", the gradient in "), Code("weight_hh"),
                           en(f", stacks these blocks in rows ({_gates(kind)}).")))
    for q in ex.questions[1:]:
        if q.key.startswith("grad_"):
            part = q.key[len("grad_")]
            blocks += [Para(en(f"The initial {'cell' if part == 'c' else 'hidden'} state's "
                               "gradient is one more step back, through the Jacobian's "
                               "blocks above at k = 1 (gate values of step 1):")),
                       Display(ef.state0_gradient(kind, part, ex.hidden))]
        else:
            base = bases[_index(kind, q.key.rsplit("_", 1)[1])]
            blocks += [Para(en(f"The {GATE_TITLES[q.key[-1]]}'s input weights get the same "
                               "error times the input:")),
                       Display(ef.weight_gradient(kind, base, ex.hidden, "x"))]
    return tuple(blocks)


COLUMNS = 6   # entries per printed line; wider matrices are printed in column blocks


def number_text(values):
    """An array as text, one row per line, every entry in the same %.6e format; a matrix of
    more than COLUMNS columns in blocks of COLUMNS columns, each headed "columns a to b"."""
    values = np.atleast_2d(values)
    cols = values.shape[1]
    chunks = []
    for start in range(0, cols, COLUMNS):
        rows = "\n".join("  ".join(f"{v: .6e}" for v in row[start:start + COLUMNS])
                         for row in values)
        head = f"columns {start + 1} to {min(start + COLUMNS, cols)}:\n" if cols > COLUMNS \
            else ""
        chunks.append(head + rows)
    return "\n\n".join(chunks) + "\n"


def number_blocks(ex):
    blocks = [Para(en("The loss is "), num(ex.loss, 8), en(". The answers (float64, from "
                                                          "rnngrad's BPTT):"))]
    for q in ex.questions:
        blocks += [Heading(en(f"{q.key} {_shape(q)}")), Para(Math(quantity(ex, q)),
                                                             en(f", {q.title}:")),
                   Verbatim(number_text(ex.answers[q.key]))]
    return tuple(blocks)


def solutions_document(ex):
    """The solutions sheet: the derivation, the numbers and how to grade a folder."""
    derivation = Section("sec:derivation", en("The derivation"), (en("From the cell's step "
                         "map to every quantity asked, each formula derived by SymPy."),),
                         derivation_blocks(ex),
                         (en("The same recursion, run on the numbers, gives the answers "
                             "below."),))
    numbers = Section("sec:numbers", en("The answers"), (en("The numbers a correct "
                      "answer.json holds."),), number_blocks(ex),
                      (en("Students' numbers are judged against these within the rounding "
                          "of their dtype."),))
    grading = Section("sec:grading", en("Grading"), (en("How to grade one answer or a "
                      "folder of them."),),
                      (_made_by(ex), Para(en("One answer:")), Verbatim(CHECK),
                       Para(en("A folder of answers, one CSV row per file (verdict, worst "
                               "entry and diagnosis):")), Verbatim(GRADE),
                       Para(en("The exit status is 1 when any answer is wrong."))),
                      (en("The diagnosis names the mistake; the case is in case.json."),))
    return Document(en(f"Solutions: gradients through the {ex.kind.title} cell"),
                    en(_sizes(ex)), (derivation, numbers, grading))
