"""The audit quotes the two source articles verbatim: every Chinese text fragment of a quoted
claim occurs in the article's sentence (Markdown and TeX markup removed), every quoted formula
prints as the article's formula (up to spacing and braces), and the claims of each article come
in the order of its text.  The source sentences are embedded below, exactly as the articles
write them (the articles themselves are not part of the repository)."""
# ruff: noqa: E501  (the source sentences are kept whole)

import re

import pytest

from derive import to_latex
from reports import doc, doc_walk
from reports.notes import Context, audit
from reports.notes.audit_claims import claims

SECOND = (  # the second article, lines 13, 25, 41, 44, 47, 79, 81, 94, 101, 103, 113, 116, 126, 134, 138
    '**核心思想**: 梯度在时间序列上的反向传播，数学上等价于一个雅可比矩阵（Jacobian Matrix）的连乘积。一个矩阵连乘积的范数，其长期行为（当连乘次数趋向无穷时）完全由该矩阵的谱半径（spectral radius）或最大奇异值（largest singular value）决定。如果该值偏离1，其连乘结果将不可避免地呈指数级收敛于零或发散至无穷。',
    'RNN中梯度的反向传播过程，与这个动力系统的状态演化在数学上是同构的。梯度向量是“状态”，而雅可比矩阵则是“状态转移矩阵”。',
    '令 $w = 0.5$。当 $T$ 很大时，例如 $T=100$，则 $w^T = 0.5^{100} \\approx 7.9 \\times 10^{-31}$。梯度信号几乎完全消失，使得模型无法根据 $h_T$ 的误差来调整遥远的 $h_0$。',
    '令 $w = 1.5$。当 $T=100$ 时，$w^T = 1.5^{100} \\approx 2.4 \\times 10^{17}$。梯度信号被极度放大，导致参数更新步长过大，训练过程不稳定甚至发散。',
    '令 $|w| = 1$。梯度信号的大小将保持不变，信息可以无损地长距离传播。',
    '因此，长距离的梯度传播项为：',
    "\\frac{\\partial h_j}{\\partial h_i} = \\prod_{k=i+1}^{j} \\left( \\text{diag}(\\phi'(h_k^{\\text{pre-act}})) \\cdot W_{hh} \\right)",
    "令 $\\gamma_W = \\|W_{hh}\\|$（例如，谱范数，即最大奇异值 $\\sigma_{\\max}(W_{hh})$），并令 $\\gamma_\\phi = \\sup_{z} |\\phi'(z)|$。对于常用的激活函数 `tanh`，其导数 `tanh'(z) = 1 - tanh^2(z)`，因此 $\\gamma_\\phi = 1$。",
    '1.  **梯度爆炸 (Exploding Gradients)**: 如果 $\\gamma_W = \\sigma_{\\max}(W_{hh}) > 1/\\gamma_\\phi$，则梯度范数的上界将随着时间差 $j-i$ 的增大而指数级增长。对于 `tanh`，这意味着如果 $W_{hh}$ 的最大奇异值大于1，就存在梯度爆炸的风险。',
    '2.  **梯度消失 (Vanishing Gradients)**: 如果 $\\gamma_W = \\sigma_{\\max}(W_{hh}) < 1/\\gamma_\\phi$，则梯度范数的上界将随着时间差 $j-i$ 的增大而指数级衰减至零。对于 `tanh`，这意味着只要 $W_{hh}$ 的最大奇异值小于1，梯度就必然消失。',
    '    **纠正**: 梯度消失主要影响的是那些需要通过长路径反向传播的参数，特别是 $W_{hh}$。与近期输入（如 $x_{j-1}, x_j$）相关的参数（如 $W_{xh}$）的梯度可能仍然是健康的。其后果是模型退化为仅能捕捉短期依赖的“浅层”模型。',
    '    **纠正**: 梯度裁剪是一种有效的**缓解**手段，而非**根本解决方案**。它通过设定一个阈值来强制限制梯度范数的上界，防止了单次更新步长过大导致的数值不稳定。然而，它并未改变导致爆炸的根本动力学特性（即雅可比矩阵范数大于1）。它仅仅是“拉回”了即将“失控”的梯度，但梯度的方向信息可能已经失真。',
    '3.  **迭代算法收敛性分析**: 许多数值算法（如不动点迭代）的收敛性证明，依赖于证明迭代函数对应的雅可比矩阵的谱半径小于1，以保证其是压缩映射（Contraction Mapping）。',
    '- **判定条件**: 粗略地说，若 $\\|W_{hh}\\|$ 持续大于1，则梯度趋向于爆炸；若 $\\|W_{hh}\\|$ 持续小于1，或激活函数导数持续小于1，则梯度趋向于消失。',
    '**问题**: 考虑一个使用ReLU（Rectified Linear Unit, $\\phi(z) = \\max(0, z)$）作为激活函数的RNN。请分析在这种情况下，梯度消失和梯度爆炸问题会如何表现？与使用 `tanh` 的RNN相比，其特性有何根本不同？',
)
FIRST = (  # the first article, lines 19, 41, 43, 49, 51, 53, 63, 65, 87, 89, 91, 93, 95, 97, 99, 105
    '在BPTT中,误差梯度需要通过时间步反向传播,这意味着梯度会经过多次矩阵乘法运算。如果这些矩阵的特征值(eigenvalues)大于1,梯度就会呈指数级增长,导致梯度爆炸;如果这些矩阵的特征值小于1,梯度就会呈指数级衰减,导致梯度消失。',
    '其中 $\\frac{\\partial h_t}{\\partial W_{hh}}$ 可以进一步展开为:',
    '$$\\frac{\\partial h_t}{\\partial W_{hh}} = \\frac{\\partial h_t}{\\partial h_{t-1}}\\frac{\\partial h_{t-1}}{\\partial W_{hh}} + \\frac{\\partial h_t}{\\partial h_{t-2}}\\frac{\\partial h_{t-2}}{\\partial W_{hh}} + \\cdots + \\frac{\\partial h_t}{\\partial h_0}\\frac{\\partial h_0}{\\partial W_{hh}}$$',
    '当激活函数 $f$ 是tanh或sigmoid时,它们的导数在大部分区间都小于1。因此,随着时间步的增加,雅可比矩阵的乘积会迅速趋近于0,导致梯度消失。',
    '具体来说,假设激活函数的导数在某个区间内都小于某个常数 $c < 1$,那么对于足够大的时间步 $t$,我们有:',
    '$$\\left\\|\\frac{\\partial h_t}{\\partial h_{t-1}}\\right\\| \\leq c^t$$',
    '具体来说,假设激活函数的导数在某个区间内都大于某个常数 $c > 1$,那么对于足够大的时间步 $t$,我们有:',
    '$$\\left\\|\\frac{\\partial h_t}{\\partial h_{t-1}}\\right\\| \\geq c^t$$',
    '$$\\frac{\\partial h_T}{\\partial W_{hh}} = \\frac{\\partial h_T}{\\partial h_{T-1}}\\frac{\\partial h_{T-1}}{\\partial h_{T-2}}\\cdots\\frac{\\partial h_2}{\\partial h_1}\\frac{\\partial h_1}{\\partial W_{hh}}$$',
    '由于tanh函数的导数在 $(-1, 1)$ 区间内,我们可以假设存在一个常数 $c$,使得:',
    '$$\\left|\\frac{\\partial h_t}{\\partial h_{t-1}}\\right| \\leq c < 1, \\quad \\forall t$$',
    '那么,我们有:',
    '$$\\left\\|\\frac{\\partial h_T}{\\partial W_{hh}}\\right\\| \\leq c^{T-1}\\left\\|\\frac{\\partial h_1}{\\partial W_{hh}}\\right\\|$$',
    '当序列长度 $T$ 增加时, $c^{T-1}$ 会迅速趋近于0,导致梯度 $\\frac{\\partial L}{\\partial W_{hh}}$ 也趋近于0,从而出现梯度消失的问题。',
    '相反,如果激活函数的导数在某些区间大于1,那么梯度就会呈指数级增长,导致梯度爆炸。例如,如果我们使用ReLU作为激活函数,其导数在正区间内为1,在负区间内为0。在这种情况下,梯度可能会无限制地增长,从而导致数值不稳定和梯度爆炸。',
    '为了更好地理解梯度消失和梯度爆炸的问题,我们可以通过一个简单的Python代码示例来模拟这个过程。',
)


def _text(source):
    """A source line without Markdown/TeX markup: no **, `, $; "\\quad \\forall t" as "∀t"."""
    source = re.sub(r"\\quad\s*", "", source)
    return re.sub(r"\*\*|`|\$", "", re.sub(r"\\forall\s*", "∀", source))


def _formula(tex):
    """LaTeX compared up to spacing, braces, \\left/\\right and \\varphi vs \\phi."""
    tex = re.sub(r"\\left|\\right|\s|[{}$`]", "", tex)
    return tex.replace("\\varphi", "\\phi").replace("\\tanh", "tanh")


def _fragments(parts):
    """The zh text fragments of quoted parts (quotation marks and cuts "……" removed)."""
    out = []
    for part in parts:
        if isinstance(part, doc.Text):
            text = part("zh").replace("“", "").replace("”", "").replace("（……）", "……")
            out += [piece.strip() for piece in text.split("……") if piece.strip()]
    return out


def _quoted(parts):
    """The parts inside the quotation marks (a remark after the closing mark is not quoted)."""
    ends = [i for i, p in enumerate(parts) if isinstance(p, doc.Text) and p("zh") == "”"]
    return parts[:ends[0] + 1] if ends else parts


def _where(parts, sources):
    """The index of the first source line that holds every fragment and formula of a quote."""
    parts = _quoted(parts)
    maths = [_formula(to_latex(p.expr)) for p in parts if isinstance(p, doc.Math)]
    for index, source in enumerate(sources):
        if (all(f in _text(source) for f in _fragments(parts))
                and all(m in _formula(source) for m in maths)):
            return index
    return None


def _place(quote, sources):
    """Where a quote is: one line, or a sentence and the formulas displayed below it (up to
    four consecutive lines)."""
    place = _where(quote, sources)
    for span in (2, 3, 4):
        if place is not None:
            break
        place = _where(quote, ["".join(sources[i:i + span]) for i in range(len(sources))])
    assert place is not None, [p for p in quote if isinstance(p, doc.Text)]
    return place


@pytest.mark.parametrize("article, sources", [("seed003", SECOND), ("seed000", FIRST)])
def test_quotes_are_verbatim_and_in_order(article, sources):
    found = [c for c in claims() if c.article == article]
    assert len(found) >= 5
    places = [_place(claim.quote, sources) for claim in found]
    assert places == sorted(places)


def test_the_exploding_power_is_quoted_as_written():
    quote = next(c for c in claims() if c.claimed == 2.4e17).quote
    text = "".join(p("zh") for p in quote if isinstance(p, doc.Text))
    assert "很大" not in text and "当 T=100 时，" in text
    maths = [to_latex(p.expr) for p in quote if isinstance(p, doc.Math)]
    assert maths == ["w^{T} = {1.5}^{100} \\approx 2.4 \\times 10^{17}"]


def test_the_relu_question_is_quoted_with_its_cut_marked(tmp_path):
    ctx = Context(tmp_path / "figures")
    ctx.figure_dir.mkdir()
    section, _ = audit.build(ctx)
    texts = [p for p in doc_walk.section_parts(section) if isinstance(p, doc.Text)
             and p("zh").startswith("“考虑")]
    assert len(texts) == 1 and "（……）" in texts[0]("zh") and "(...)" in texts[0]("en")
    pieces = _fragments(texts)
    assert len(pieces) == 2 and all(piece in _text(SECOND[-1]) for piece in pieces)
