"""The report as lecture notes: one module per section, each with ``build(ctx)`` returning
(``reports.doc.Section``, results for results.json).  ``document(ctx)`` assembles them."""

from reports.doc import Document, tr
from reports.notes import (
    audit,
    dynamics,
    exercises,
    gated,
    grads_check,
    listing,
    question,
    relu,
    remedies,
    reproducibility,
    saturation,
    scalar,
    vector,
    worked,
)
from reports.notes.context import Context
from reports.references import REFERENCES

SECTIONS = (question, scalar, worked, vector, saturation, relu, gated, remedies, dynamics,
            audit, exercises, grads_check, listing, reproducibility)

TITLE = tr("Why RNN gradients vanish or explode: exact derivations, checked by numbers",
           "RNN 梯度为何消失或爆炸：精确推导，数值验证")
SUBTITLE = tr("Lecture notes on why the gradients of recurrent neural networks vanish or "
              "explode. Starting from a single recurrent weight, they derive the product of step "
              "Jacobians that carries a long dependency, bound its norm by the gain of the "
              "activation times the norm of the recurrent matrix, show how saturation (tanh), "
              "dead units (ReLU) and gates (LSTM, GRU) change the picture, compare the usual "
              "remedies, and check the claims of two source articles. The formulas are derived "
              "by a computer algebra system (SymPy); the numbers are computed, not typed, by the "
              "program that generated these notes (rnngrad), and the main ones are checked "
              "against independent computations. Values are exact where a closed form exists "
              "and marked as numeric where none does.",
              "本讲义讨论循环神经网络的梯度为何消失或爆炸。从单个循环权重出发，推导承载长距离"
              "依赖的单步雅可比矩阵之积，用激活函数的增益与循环矩阵范数之积给出其范数的界，说明"
              "饱和（tanh）、死亡单元（ReLU）和门控（LSTM、GRU）如何改变这一图景，比较常用的"
              "补救方法，并核验两篇原文中的论断。公式由计算机代数系统（SymPy）推导；数值均由"
              "生成本讲义的程序（rnngrad）计算得出而非手写，主要数值都经过独立计算的核验。"
              "有闭式时给出精确值，没有闭式时给出数值结果并注明。")


def document(ctx, progress=lambda step: None):
    """(Document, results): every section built in order; ``progress(title)`` before each."""
    sections, results = [], {}
    for module in SECTIONS:
        progress(module.TITLE.en)
        section, numbers = module.build(ctx)
        sections.append(section)
        overlap = set(numbers) & set(results)
        if overlap:
            raise ValueError(f"results keys written twice: {sorted(overlap)}")
        results.update(numbers)
    return Document(TITLE, SUBTITLE, tuple(sections), REFERENCES), results


__all__ = ["Context", "SECTIONS", "document"]
