"""A small Document with every block and inline type of ``reports.doc``, for the HTML tests
(the real sections are written elsewhere; this one exercises every path of the renderer)."""

import unicodedata
from dataclasses import replace

import sympy as sp

import derive
from reports import doc_walk
from reports.doc import (
    Aligned,
    Cite,
    Code,
    Display,
    Document,
    Emph,
    Figure,
    Heading,
    Items,
    Listing,
    Math,
    Para,
    Ref,
    Section,
    Steps,
    Table,
    Verbatim,
    num,
    tr,
)
from reports.notes.context import Context
from reports.references import REFERENCES

x, w, T = sp.symbols("x w T")
TABLE_VALUES = (0.123456, 2.5e-7, 1234.5678)
CODE = tr("import numpy as np\nh = np.tanh(w * h)  # one step\n",
          "import numpy as np\nh = np.tanh(w * h)  # 一步\n")


def _plot(ax, data):
    ax.plot([0, 1, 2], [1.0, 0.5, 0.25])
    ax.set_xlabel("T")


def steps():
    """A few steps of the tanh RNN's derivation and of the LSTM's (reasons with math)."""
    rnn = derive.derivation(derive.RNN(1, activation="tanh"), 2).steps
    lstm = derive.derivation(derive.cell("lstm", 1), 2).steps
    return tuple(rnn[:14]) + tuple(s for s in lstm if s.reason_tex and "$" in s.reason_tex)[:4]


def ascii_reference(ref):
    """The reference with its printed fields in ASCII (en dash as hyphen, ä as a): render_tex
    passes them to escape_text, which takes ASCII only."""
    def plain(text):
        text = text.replace("\u2013", "-")
        return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return replace(ref, authors=plain(ref.authors), title=plain(ref.title),
                   venue=plain(ref.venue))


def sample_document(figure_dir, ascii_references=False):
    """The sample Document, with one figure drawn into ``figure_dir``; ``ascii_references``:
    the bibliography's fields in ASCII (for the PDF)."""
    Context(figure_dir).draw("sample", _plot, figsize=(3, 2))
    one = Section("sec:one", tr("First things", "第一件事"), (tr("how ", "如何"), Math(w**T)),
                  (Para(tr("The power ", "幂 "), Math(w**T), " ", Code("w_hh"), Cite("pascanu2013"),
                        tr(" see ", " 见 "), Ref("fig:sample"), ", ", Ref("tab:sample"),
                        Emph(tr("vanishes", "消失")), " ", num(0.123456, 4)),
                   Heading(tr("A heading", "小标题")),
                   Display(sp.Eq(x, w**T, evaluate=False), sp.sqrt(x)),
                   Steps(steps()),
                   Aligned(((x, [w**2, -w, sp.Integer(3)]),)),
                   Table("tab:sample", (tr("Values of ", "数值 "), Math(x)),
                         (tr("name", "名称"), Math(x)),
                         tuple((f"v{n}", num(v, 6)) for n, v in enumerate(TABLE_VALUES)),
                         "lr"),
                   Figure("fig:sample", "sample",
                          (tr("A curve that halves.", "一条减半的曲线。"),)),
                   Items(((tr("first", "第一"),), Para(tr("second", "第二"), Math(x))),
                         ordered=True),
                   Items(((tr("bullet", "要点"),),)),
                   Verbatim("a <b> & c\n")),
                  (tr("Powers decide.", "幂决定一切。"),))
    two = Section("sec:two", tr("Second things", "第二件事"), (tr("more", "更多"),),
                  (Para(tr("Sources ", "来源 "), Cite("bengio1994", "seed000"), " ",
                        Ref("lst:sample"), " ", Ref("app:code"), " ", Ref("sec:one")),),
                  (tr("Done.", "完成。"),))
    code = Section("app:code", tr("The code", "代码"), (tr("a listing", "一段代码"),),
                   (Listing("lst:sample", (tr("A step", "一步"),), CODE),),
                   (tr("That is all.", "就这些。"),), appendix=True)
    document = Document(tr("Sample notes", "示例讲义"), tr("A test.", "一个测试。"),
                        (one, two, code),
                        {key: ascii_reference(ref) if ascii_references else ref
                         for key, ref in REFERENCES.items()})
    doc_walk.numbering(document)
    return document


# How many <math> elements the sample's page holds, counted by hand from sample_document and
# the reasons of steps() (printed once and read): section "one" has Math(w^T) in its learn
# line (1); the first paragraph Math(w^T) and num(0.123456) (2); the Display (1, its two
# formulas in one <math>); the 18 steps' formulas (18) and the math chunks of their reasons,
# "pre-activation at step $k$ from 1 to $T$, input $x_{k}$" (3), "the activation derivative at
# step $k$" (1), "chain rule: $h_{k}$ depends on $h_{k-1}$ through $a_{k}$" (3), "the step
# Jacobian ${J}_{k} ...$" (1) and the LSTM's four "channel $z_{i}$ ..." (4); the aligned row's
# left side and three terms (4); the table's caption Math(x), header Math(x) and three num
# cells (5); the ordered list's Math(x) (1). Sections "two" and "app:code" hold none.
MATH_COUNT = 1 + 2 + 1 + 18 + (3 + 1 + 3 + 1 + 4) + 4 + 5 + 1   # 44
