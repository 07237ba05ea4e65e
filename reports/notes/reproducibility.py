"""Appendix 'app:reproducibility': the command that wrote the notes, the package versions, the
seeds of every random draw, and how results.json writes numbers that are not finite.

A section that draws random numbers declares them in a module-level ``SEEDS`` dict
({what: seed for numpy.random.default_rng}, optionally ``SEED_NAMES`` {what: Text}); this
appendix lists them all."""

import math
import platform

import numpy as np
import sympy as sp

from reports.doc import Code, Items, Para, Ref, Section, Table, tr

LABEL = "app:reproducibility"
TITLE = tr("Reproducibility", "可复现性")


def finite_or_null(key, value, why):
    """``{key: value}``, or for a value that is not finite ``{key: None, key_note: why}``: the
    results.json convention for infinities (stated in this appendix).

    >>> finite_or_null("g", float("-inf"), "exact zero")
    {'g': None, 'g_note': 'exact zero'}
    """
    return {key: value} if math.isfinite(value) else {key: None, f"{key}_note": why}


def versions():
    """The versions of Python and of the packages that compute the numbers and figures."""
    import matplotlib
    import mpmath
    import scipy

    return {"python": platform.python_version(), "sympy": sp.__version__,
            "numpy": np.__version__, "scipy": scipy.__version__,
            "matplotlib": matplotlib.__version__, "mpmath": mpmath.__version__}


def _drawing_modules():
    """The section modules that declare ``SEEDS`` (and optionally ``SEED_NAMES``, a ``Text``
    per draw for the reader), in document order."""
    from reports import notes

    return [module for module in notes.SECTIONS if getattr(module, "SEEDS", None)]


def seeds():
    """{section title: {what: seed}} for every section module that declares ``SEEDS``."""
    return {module.TITLE.en: dict(module.SEEDS) for module in _drawing_modules()}


def build(ctx):
    """(Section, results for results.json)."""
    used, found = [], seeds()
    for module in _drawing_modules():
        names = getattr(module, "SEED_NAMES", {})
        for what, seed in module.SEEDS.items():
            name = names.get(what, tr(what, what))
            used.append((Ref(module.LABEL), tr(": ", "："), name, tr(": seed ", "：种子 "),
                         str(seed)))
    table = Table("tab:versions", (tr("The versions that produced these notes. Another machine "
                                      "may have other versions; see the text for what changes.",
                                      "生成本讲义所用的版本。其他机器上的版本可能不同；会有哪些差别见正文。"),),
                  (tr("package", "软件包"), tr("version", "版本")),
                  tuple((name, version) for name, version in versions().items()), align="ll")
    blocks = (
        Para(tr("These notes, their figures and the file results.json (every number printed, "
                "in machine-readable form) were written by the command ",
                "本讲义、其中的图以及 results.json 文件（以机器可读形式记录所有印出的数值）"
                "由命令 "),
             Code(ctx.command), tr(". Running it again on the same machine writes the same files.",
                                   " 生成。在同一台机器上再次运行会写出相同的文件。")),
        Para(tr("Random numbers come only from NumPy's generator ",
                "随机数只来自 NumPy 的生成器 "), Code("numpy.random.default_rng(seed)"),
             tr(", with the seed written where the draw is made; nothing else is random. "
                "The draws and their seeds:", "，种子写在抽样之处；除此之外没有任何随机性。"
                "各次抽样及其种子：")),
        Items(tuple(used)),
        Para(tr("In results.json every quantity that is not a finite number, such as the "
                "base-10 logarithm of a gradient that is exactly zero, is written as ",
                "在 results.json 中，凡不是有限数的量（例如恰好为零的梯度的常用对数）都写作 "),
             Code("null"), tr(", and the key of the same name with ", "，并且同名加上 "),
             Code("_note"), tr(" appended says what it is. The file never holds Infinity, NaN "
                               "or a string standing for them, so any strict JSON reader can "
                               "read it.", " 后缀的键说明它是什么。该文件从不包含 Infinity、NaN 或"
                               "代表它们的字符串，因此任何严格的 JSON 解析器都能读取。")),
        Para(tr("The numbers do not depend on the machine beyond the last printed digit, but the "
                "package versions below are printed in the notes, and different versions of "
                "SymPy or matplotlib may print a formula or draw a figure slightly differently. "
                "The TeX source may therefore differ between machines; that is expected.",
                "数值在所印位数内与机器无关；但下表中的软件包版本会印在讲义中，而不同版本的 SymPy "
                "或 matplotlib 打印公式、绘图的方式可能略有不同，因此不同机器上生成的 TeX "
                "源文件可能"
                "有差异，这是正常的。")),
        table,
    )
    section = Section(
        LABEL, TITLE,
        (tr("How to produce these notes again, and what may differ when you do.",
            "如何重新生成本讲义，以及重新生成时可能出现的差异。"),),
        blocks,
        (tr("One command, fixed seeds and listed versions make every number in these notes "
            "checkable.", "一条命令、固定的种子和列出的版本，使本讲义中的每个数都可以核对。"),),
        appendix=True)
    return section, {"versions": versions(), "command": ctx.command, "seeds": found}
