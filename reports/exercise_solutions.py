"""The exercise's solutions sheet for the lecturer (``reports.doc``): the derivation (the step
Jacobian as SymPy derives it, BPTT from ``derive.derivation``, each asked quantity's formula
read off the Jacobian by ``reports.exercise_formulas``), the numbers (``numeric.cell_bptt``
through ``reports.exercise``) and how to grade a folder of answers."""

import numpy as np
import sympy as sp

from reports import exercise_formulas as ef
from reports.doc import Code, Display, Document, Heading, Math, Para, Section, Steps, Verbatim, num
from reports.exercise import GATE_TITLES, gate_index
from reports.exercise_sheets import (
    CHECK,
    GRADE,
    bptt_steps,
    d_loss,
    en,
    gates_text,
    made_by,
    quantity,
    shape_text,
    sizes_text,
)
from reports.notes.gated_lstm import jacobian_rows


def derivation_blocks(ex):
    """The step Jacobian, BPTT, and each asked quantity's formula."""
    kind, act = ex.kind, ef.activation(ex.kind)
    bases = ef.recurrent_bases(kind)
    errors = [ef.channel_error(kind, base) for base in bases]
    gradients = [ef.weight_gradient(kind, base, ex.hidden, "h") for base in bases]
    state = []
    for part in kind.state:
        state += [en(", ")] if state else []
        state.append(Math(sp.Eq(ef.error_symbol(part), d_loss(f"{part}_k"))))
    blocks = [
        Para(en("The step Jacobian, derived by SymPy from the unit map, block by block (entry "
                "i, j; the gate values are unit i's at step k, unprimed states are step "
                "k − 1's, primed ones step k's):")),
        jacobian_rows(kind, act),
        Para(en("Backpropagation through time, with "),
             Math(sp.Eq(sp.Symbol("g_k"), d_loss("s_k"))), en(":")),
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
        blocks.append(Para(Math(d_loss("W_hh")), en(", the gradient in "), Code("weight_hh"),
                           en(f", stacks these blocks in rows ({gates_text(kind)}).")))
    for q in ex.questions[1:]:
        if q.key.startswith("grad_"):
            part = q.key[len("grad_")]
            blocks += [Para(en(f"The initial {'cell' if part == 'c' else 'hidden'} state's "
                               "gradient is one more step back, through the Jacobian's "
                               "blocks above at k = 1 (gate values of step 1):")),
                       Display(ef.state0_gradient(kind, part, ex.hidden))]
        else:
            base = bases[gate_index(kind, q.key.rsplit("_", 1)[1])]
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
        blocks += [Heading(en(f"{q.key} {shape_text(q)}")), Para(Math(quantity(ex, q)),
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
                      (made_by(ex), Para(en("One answer:")), Verbatim(CHECK),
                       Para(en("A folder of answers, one CSV row per file (verdict, worst "
                               "entry and diagnosis):")), Verbatim(GRADE),
                       Para(en("The exit status is 1 when any answer is wrong."))),
                      (en("The diagnosis names the mistake; the case is in case.json."),))
    return Document(en(f"Solutions: gradients through the {ex.kind.title} cell"),
                    en(sizes_text(ex)), (derivation, numbers, grading))
