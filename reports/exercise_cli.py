"""``rnngrad exercise``: write a machine-checked exercise into a folder.

    rnngrad exercise --cell elman|lstm|gru [--hidden N] [--steps T] [--seed S] [--out DIR]
                     [--no-pdf]
"""

import sys
from pathlib import Path

from reports.cli_support import MAX_SEED, integer
from reports.exercise import CELLS, MAX_HIDDEN, MAX_STEPS
from reports.out_paths import output_folder

DESCRIPTION = """\
Write an exercise with machine-checked answers into DIR: a small random case of the cell in
PyTorch's layout (case.json, numbers rounded to 2 decimals, drawn from --seed), a task sheet
for students (task.md, task.html and, with a TeX engine, task.pdf) that asks for dL/dW_hh
and, for the LSTM, dL/dc_0 and the forget gate's input weights (weight_ih_f), for the GRU,
dL/dh_0 and the update gate's input weights (weight_ih_z), with L = 1/2 ||h_T - y||^2; an
answer template (answer.json: those keys, zeros of the right shapes); and the solutions for
the lecturer (solutions.md/.html/.pdf: the derivation and the numbers).

A student fills in a copy of answer.json and checks it:
    rnngrad check DIR/case.json --grads ANSWER.json
a lecturer grades a folder of answers:
    rnngrad check DIR/case.json --grads submissions/*.json --csv
The same options give the same files, byte for byte, PDFs included."""

EPILOG = """\
exit status: 0 success (also without a TeX engine: the PDFs are skipped with a note on
stderr), 1 TeX ran and failed (the other files are written), 2 bad input (one line on
stderr), 130 interrupted (Ctrl-C or SIGTERM; the files written are complete)"""


def add_exercise_parser(commands):
    """The ``exercise`` subcommand, added to argparse's ``commands``."""
    import argparse

    e = commands.add_parser("exercise", help="write a random cell case with a task sheet, an "
                            "answer template and solutions, checked by 'rnngrad check --grads'",
                            description=DESCRIPTION, epilog=EPILOG,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("--cell", required=True, metavar="C", help=f"one of {', '.join(CELLS)}")
    e.add_argument("--hidden", type=int, default=3, metavar="N",
                   help=f"hidden size n, 1 to {MAX_HIDDEN} (default 3); m = 2 inputs")
    e.add_argument("--steps", type=int, default=4, metavar="T",
                   help=f"sequence length T, 1 to {MAX_STEPS} (default 4)")
    e.add_argument("--seed", type=integer(0, MAX_SEED), default=0, metavar="S",
                   help="seed of numpy.random.default_rng for the case's numbers (default 0)")
    e.add_argument("--out", default="exercise", metavar="DIR", type=output_folder,
                   help="output folder (default exercise/)")
    e.add_argument("--no-pdf", action="store_true", help="do not build task.pdf and "
                   "solutions.pdf")
    e.set_defaults(run=run_exercise)
    return e


def run_exercise(args):
    from reports.exercise import make_exercise
    from reports.exercise_files import write_exercise

    ex = make_exercise(args.cell, args.hidden, args.steps, args.seed)
    try:
        written, notes = write_exercise(args.out, ex, pdf=not args.no_pdf)
    except KeyboardInterrupt:   # Ctrl-C or SIGTERM: temp files and scratch folders are gone
        print(f"rnngrad: error: interrupted; the files already in {args.out} are complete "
              "(each is written atomically), the rest were not written", file=sys.stderr)
        return 130
    for note in notes:
        print(f"rnngrad exercise: note: {note}", file=sys.stderr)
    folder = Path(args.out)
    print(f"rnngrad exercise: wrote {len(written)} files in {folder}; check an answer (a filled-in "
          f"copy of {folder / 'answer.json'}) with: rnngrad check {folder / 'case.json'} --grads "
          "ANSWER.json", file=sys.stderr)
    failed = any("TeX failed" in note for note in notes)
    return 1 if failed else 0
