"""A synthetic report that holds every block type of ``reports.doc`` at its print-hardest: a
formula far wider than the page, a table longer than a page and one with wrapped columns,
Verbatim and listing lines far longer than the text width (one of them a single unbroken
token), citations of undated and accented references, and figures of several sizes drawn
through ``Context.draw`` between pages of prose, so float placement is exercised."""

import numpy as np
import sympy as sp

import derive
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
from reports.notes import Context
from reports.references import REFERENCES

WORDS = ("the gradient through a long chain of steps is a product of Jacobians and each "
         "factor either shrinks or stretches it so that after many steps the product decays "
         "or grows geometrically unless its factors stay close to one").split()


def prose(seed, sentences=6):
    """Deterministic filler prose: ``sentences`` sentences of 14 to 24 words."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(sentences):
        words = [WORDS[i] for i in rng.integers(0, len(WORDS), rng.integers(14, 25))]
        out.append(" ".join(words).capitalize() + ".")
    return tr(" ".join(out), "填充文字。")


def _curve(ax, data):
    T = np.arange(1, 101)
    for w in data:
        ax.plot(T, T * np.log10(w), label=f"w = {w:g}")
    ax.set_xlabel("sequence length T")
    ax.set_ylabel("log10 |w^T|")
    ax.set_title("the scalar case")
    ax.legend()


def _map(ax, data):
    image = ax.pcolormesh(np.outer(np.arange(20), np.linspace(-1, 1, 30)), shading="auto")
    ax.figure.colorbar(image, ax=ax, label="log10 gain")
    ax.set_xlabel("w")
    ax.set_ylabel("T")


FIGURES = (("wide", _curve, (0.9, 1.0, 1.1), (6.3, 3.2), "Full width: the three regimes."),
           ("short", _curve, (0.5, 2.0), (5.0, 2.2), "A short figure."),
           ("tall", _map, None, (4.5, 4.2), "A tall map with a colour bar."),
           ("narrow", _curve, (1.5,), (3.2, 2.4), "A narrow figure."))


def figures(ctx, draw=True):
    """Four figures: full width, short, tall and narrow (``draw=False``: the blocks only)."""
    rich = (" Compare ", Ref("tab:wrapped"), " and ", Cite("pascanu2013"), ": ",
            Math(sp.Symbol("w") ** sp.Symbol("T")), " for ", Code("w_hh"), ", ",
            Emph(tr("not", "不")), " 50% & more.")
    return [Figure(f"fig:{stem}", ctx.draw(stem, plot, data, figsize=size) if draw else stem,
                   (tr(caption, "图。"),) + (rich if stem == "tall" else ()))
            for stem, plot, data, size, caption in FIGURES]


def wide_blocks():
    x = sp.symbols("x_1:61")
    h, w = sp.symbols("h w")
    long_line = "y = " + " + ".join(f"weight_{i} * value_{i}" for i in range(30))
    token = "".join(f"{i:03d}" for i in range(120))
    return [Display(sp.Eq(sp.Symbol("s"), sp.Add(*x), evaluate=False)),
            Display(sp.Eq(h, w ** 2, evaluate=False), sp.Eq(h, w, evaluate=False)),
            Aligned(((h, [sp.Add(*x[:40]), -w, w ** 3]),)),
            Steps(tuple(derive.derivation(derive.RNN(2, activation="tanh"), 3).steps)),
            Verbatim("W_hh = [[0.1, 0.2], [0.3, 0.4]]\n" + long_line + "\n" + token + "\n"),
            Listing("lst:long", (tr("A listing with a long line.", "长行代码。"),),
                    tr("import numpy as np\n\n\ndef step(h, x):\n    # one step\n"
                       f"    return np.tanh(h + x)  # {long_line}\n",
                       "import numpy as np\n# 中文注释\n"))]


def tables():
    header = (tr("step", "步"), Math(sp.Symbol("T")), tr("what happens", "发生了什么"))
    wrapped = Table("tab:wrapped", (tr("Wrapped text columns, see ", "换行列，见"),
                                    Ref("fig:tall"), Cite("bengio1994"), "."), header,
                    tuple((str(i), num(0.9 ** i, 4), prose(i, 1)) for i in range(1, 6)),
                    align="lrl", widths=(None, None, 0.6))
    long = Table("tab:long", (tr("A table longer than a page.", "长表。"),),
                 (tr("T", "T"), Math(sp.Symbol("w") ** sp.Symbol("T")), tr("regime", "情形")),
                 tuple((str(T), num(1.1 ** T, 6), tr("explodes", "爆炸"))
                       for T in range(1, 71)), align="rrl")
    return [wrapped, long]


def sample_document(figure_dir, draw=True):
    """(Document, Context): the synthetic report; figures drawn into ``figure_dir``."""
    ctx = Context(figure_dir, "pytest")
    figs = figures(ctx, draw)
    cite = Cite("seed000", "hochreiter1991")
    intro = [Para(prose(1), cite, " and ", Cite("cho2014"), ". See ", Ref("fig:wide"), ", ",
                  Ref("tab:wrapped"), ", ", Ref("lst:long"), " and ", Ref("app:code"), "."),
             Heading(tr("A run-in heading", "小标题")),
             Para(prose(2), Emph(tr("emphasised", "强调")), " ", Code("numeric.scalar_sweep"),
                  " and the inline formula ", Math(sp.Symbol("w") ** sp.Symbol("T")), "."),
             Items(((tr("first item", "一"),), Para(tr("second item", "二"), Cite("le2015")))),
             Items(((tr("one", "一"),), (tr("two", "二"),)), ordered=True)]
    main = [Section("sec:one", tr("Introduction — the question", "问题"),
                    (tr("what the sample holds.", "内容。"),), tuple(intro + [figs[0]]),
                    (tr("every block type is here.", "每种块都在。"),))]
    bodies = [[Para(prose(10 + i)) for i in range(4)] + [figs[1]],
              wide_blocks() + tables(),
              [Para(prose(30 + i)) for i in range(3)] + [figs[2], Para(prose(40)), figs[3]]
              + [Para(prose(50 + i)) for i in range(4)]]
    for number, body in enumerate(bodies, start=2):
        main.append(Section(f"sec:s{number}", tr(f"Section {number}", "节"),
                            (prose(number, 1),), tuple(body), (prose(number + 90, 1),)))
    appendix = Section("app:code", tr("Code", "代码"), (tr("the listing.", "代码。"),),
                       (Para(prose(99)),), (tr("done.", "完。"),), appendix=True)
    return Document(tr("A sample", "样例"), tr("All blocks.", "所有块。"),
                    tuple(main) + (appendix,), REFERENCES), ctx


SPARSE_FRACTION = 0.25


def page_texts(pdf):
    """The text of every page of ``pdf`` (pdftotext, one call per page)."""
    import subprocess

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(line.split()[1] for line in info.stdout.splitlines()
                     if line.startswith("Pages:")))
    return [subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for p in range(1, pages + 1)]


def sparse_pages(pdf):
    """Pages (1-based) other than the first (title) and the last that carry fewer than
    ``SPARSE_FRACTION`` of the median page's printed characters: a page left mostly empty,
    e.g. one holding a single small float and nothing else."""
    counts = [len("".join(text.split())) for text in page_texts(pdf)]
    median = float(np.median(counts))
    return [page for page, count in enumerate(counts, start=1)
            if 1 < page < len(counts) and count < SPARSE_FRACTION * median]
