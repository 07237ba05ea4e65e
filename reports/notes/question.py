"""Section 'sec:question': the long dependency, the two source articles, the Elman RNN, the loss,
BPTT and the chain rule that writes ∂L/∂h_0 through the product of step Jacobians
J_k = ∂h_k/∂h_{k−1} = D_k W_hh; then the question: does ‖∂h_T/∂h_0‖₂ stay away from 0 and ∞
as T grows?  With the notation table (``reports.notes.notation``)."""

import dataclasses

import sympy as sp

import derive
from derive import k, norm2
from reports.doc import Cite, Display, Emph, Heading, Math, Para, Ref, Section, Steps, tr
from reports.notes import notation

LABEL = "sec:question"
TITLE = tr("The question: a long dependency", "问题：长距离依赖")
SENTENCE = "The cat, which already ate the fishes, is full."
WORDS = SENTENCE.replace(",", "").rstrip(".").split()
BETWEEN = WORDS.index("is") - WORDS.index("cat") - 1   # the words between subject and verb
EXAMPLE_T = 3   # the length of the product written out in full
LOWER, UPPER = notation.LOWER, notation.UPPER   # the constants of the question


def model_steps():
    """The derivation of an Elman RNN (n = 2, tanh, T = 3) from derive: a_k, h_k, D_k,
    ∂h_k/∂h_{k−1} = D_k W_hh = J_k, ∂h_3/∂h_0 = D_3 W_hh D_2 W_hh D_1 W_hh, the loss and the
    backward recursion g_{k−1} = W_hhᵀ δ_k, δ_k = D_k g_k with ∂L/∂W_hh = Σ_k δ_k h_{k−1}ᵀ."""
    steps = derive.derivation(derive.RNN(2, activation="tanh"), EXAMPLE_T).steps
    forward = tuple(s for s in steps if s.reason.startswith(("pre-activation", "hidden state")))
    wanted = ("the activation derivative", "chain rule: ", "the step Jacobian J",
              "product of step Jacobians")
    jacobian = tuple(s for s in steps if s.reason.startswith(wanted))
    backward = steps[-4:]   # after the loss, which the text states
    return forward, jacobian, (last_gradient(backward[0]), *backward[1:])


def last_gradient(step):
    """g_T = h_T − y written in that order (SymPy's canonical order prints −y + h_T)."""
    relation = step.relation
    terms = sorted(relation.rhs.args, key=lambda term: term.could_extract_minus_sign())
    rhs = type(relation.rhs)(*terms, evaluate=False)
    return dataclasses.replace(step, relation=sp.Eq(relation.lhs, rhs, evaluate=False))


def chain_rule():
    """∂L/∂h_0 = ∂L/∂h_T · ∂h_T/∂h_0 and ∂h_T/∂h_0 = ∏ J_k (later steps on the left)."""
    L, h_0, h_T, y = sp.symbols("L h_0 h_T y")
    d_T0 = sp.Derivative(h_T, h_0)
    product = sp.Product(sp.Symbol("J_k"), (k, 1, derive.T))
    return (
        derive.Step(sp.Eq(sp.Derivative(L, h_T), h_T - y, evaluate=False),
                    "the gradient of the loss at the last state"),
        derive.Step(sp.Eq(sp.Derivative(L, h_0),
                          sp.Mul(sp.Derivative(L, h_T), d_T0, evaluate=False), evaluate=False),
                    "chain rule (gradients written as rows)"),
        derive.Step(sp.Eq(d_T0, product, evaluate=False),
                    *derive.reason("chain rule through ", derive.T,
                                   " steps, later steps on the left")),
    )


def question_display():
    """μ ≤ ‖∂h_T/∂h_0‖₂ ≤ M for every T, with constants 0 < μ, M < ∞ (one chained relation)."""
    size = norm2(sp.Derivative(sp.Symbol("h_T"), sp.Symbol("h_0")))
    return Display(sp.And(sp.Le(LOWER, size, evaluate=False), sp.Le(size, UPPER, evaluate=False),
                          evaluate=False))


def opening():
    return (
        Para(tr("Read the sentence ", "请读这个句子 "), Emph(SENTENCE),
             tr(" The verb ", " 动词 "), Emph("is"),
             tr(" is singular because its subject, ", " 用单数，因为它的主语 "), Emph("cat"),
             tr(f", is singular, and {BETWEEN} words stand between the two. A model that reads "
                "the sentence word by word must carry the fact \"the subject is singular\" across "
                "those words to choose the verb. This is a long dependency: an output that "
                "depends on an input many steps earlier.",
                f" 是单数，而两者之间隔着 {BETWEEN} 个词。"
                "逐词阅读句子的模型必须把“主语是单数”这一信息跨过这些词保存下来，才能选对动词。这就是长距离依赖：某个输出取决于许多步之前的"
                "输入。")),
        Para(tr("These notes start from two articles in Chinese. The first, whose title "
                "translates as \"Why RNN gradients vanish and explode\"",
                "本讲义以两篇中文文章为出发点。第一篇题为《RNN梯度消失和梯度爆炸的原因》"),
             Cite("seed000"),
             tr(", explains the problem with formulas and a Python listing. The second, "
                "untitled, announces a rigorous mathematical analysis of the root of the "
                "long-term dependency problem; the sentence above is its example",
                "，用公式和一段 Python 代码解释这个问题。第二篇没有标题，开篇即宣称要用严谨的数学"
                "语言剖析长期依赖问题的根源；上面的句子就是它的例子"),
             Cite("seed003"),
             tr(". Where these notes check a claim of either article, they quote it in "
                "translation; you do not need the articles to follow the notes.",
                "。本讲义在核验这两篇文章的论断时会直接引用原文；读者无需手头有原文。")),
    )


def model(forward):
    return (
        Heading(tr("The model", "模型")),
        Para(tr("A recurrent neural network (RNN) in the form of Elman",
                "我们采用 Elman 形式的循环神经网络（RNN）"),
             Cite("elman1990"),
             tr(" reads one input per time step and keeps a hidden state, a vector of ",
                "：它在每个时间步读入一个输入，并保存一个隐藏状态，即 "),
             Math(notation.n), tr(" numbers. At step ", " 维向量。第 "), Math(k),
             tr(" it mixes the previous state and the input into the pre-activation ",
                " 步把上一步的状态与输入混合成预激活 "), Math(sp.Symbol("a_k")),
             tr(" and applies the activation function ", "，再逐元素施加激活函数 "),
             Math(notation.varphi(sp.Symbol("z"))),
             tr(" to each entry. ", "。"), Ref("tab:notation"),
             tr(" lists the symbols of the notes.", "列出了本讲义使用的符号。")),
        Steps(forward),
    )


def backpropagation(jacobian, backward):
    L, h_T, y = sp.symbols("L h_T y")
    loss = sp.Eq(L, sp.Rational(1, 2) * norm2(h_T - y) ** 2, evaluate=False)
    return (
        Heading(tr("Backpropagation through time", "时间反向传播")),
        Para(tr("Training adjusts the weights to make a loss small. We take the simplest loss, "
                "which compares the last state with a target ", "训练通过调整权重使损失变小。"
                "我们取最简单的损失：把末状态与目标 "), Math(y),
             tr(": ", " 相比较："), Math(loss),
             tr(". Its gradient is computed by backpropagation through time (BPTT)",
                "。其梯度由时间反向传播（BPTT）计算"), Cite("werbos1990"),
             tr(": the network is unrolled over the ", "：把网络沿 "), Math(derive.T),
             tr(" steps into a deep feed-forward network whose layers share the same weights, "
                "and the chain rule is applied layer by layer. How the state at step ",
                " 个时间步展开成一个各层共享同一组权重的深层前馈网络，再逐层应用链式法则。第 "),
             Math(k), tr(" depends on the state before it is the step Jacobian matrix ",
                         " 步的状态对前一步状态的依赖由单步雅可比矩阵 "), Math(sp.Symbol("J_k")),
             tr(". Here it is derived by SymPy for a network with two hidden units and tanh, and "
                "multiplied out over three steps:",
                " 描述。下面由 SymPy 对有两个隐藏单元、激活函数为 tanh 的网络推导它，"
                "并写出三步的乘积：")),
        Steps(jacobian),
        Para(tr("In general the gradient with respect to the first state passes through every "
                "step Jacobian:", "一般地，对初始状态的梯度要经过每一个单步雅可比矩阵：")),
        Steps(chain_rule()),
        Para(tr("The gradient with respect to the weights collects one such path for every step. "
                "Written as a recursion that runs backwards from the last step (with ",
                "对权重的梯度把每一步的这种路径都收集起来。写成从最后一步往回（反向）逐步计算的递推"
                "（其中 "),
             Math(sp.Symbol("g_k")), tr(" and ", " 和 "), Math(sp.Symbol("delta_k")),
             tr(" the gradients of the loss with respect to ", " 分别是损失对 "),
             Math(sp.Symbol("h_k")), tr(" and ", " 和 "), Math(sp.Symbol("a_k")),
             tr("), BPTT reads as follows. The transpose of a matrix is marked as in ",
                "），BPTT 如下所示。矩阵的转置记作 "),
             Math(sp.Transpose(sp.MatrixSymbol("W_hh", notation.n, notation.n))),
             tr("; a superscript T on a matrix, as in ", "这样的形式；矩阵上的上标 T（如 "),
             Math(sp.MatPow(sp.MatrixSymbol("W_hh", notation.n, notation.n), derive.T,
                            evaluate=False)),
             tr(", always means its T-th power.", "）总是表示 T 次幂。")),
        Steps(backward),
    )


def the_question():
    return (
        Heading(tr("The question", "问题")),
        Para(tr("Whether the network can learn the long dependency depends on the size of the "
                "product of step Jacobians: a change of the early state must still be felt at "
                "the end, and the gradient must still be usable for learning. So the question "
                "of these notes is: as the sequence length ",
                "网络能否学到长距离依赖，取决于单步雅可比矩阵之积的大小：早期状态的变化必须在末尾"
                "仍能被感知，梯度也必须仍可用于学习。因此本讲义的问题是：当序列长度 "),
             Math(derive.T),
             tr(" grows, are there constants ", " 增长时，是否存在常数 "),
             Math(LOWER), tr(" and ", " 和 "),
             Math(UPPER), tr(", with ", "，满足 "),
             Math(sp.Lt(0, LOWER, evaluate=False)), tr(" and ", " 且 "),
             Math(sp.Lt(UPPER, sp.oo, evaluate=False)), tr(", such that", "，使得")),
        question_display(),
        Para(tr("for every ", "对每个 "), Math(derive.T),
             tr("? If the norm falls towards 0 the gradient vanishes: the early input no longer "
                "influences learning. If it grows without bound the gradient explodes: training "
                "steps become huge and unstable. Hochreiter", " 都成立？若范数趋于 0，梯度消失："
                "早期输入不再影响学习；若范数无界增长，梯度爆炸：训练的步长变得巨大而不稳定。"
                "Hochreiter"), Cite("hochreiter1991"),
             tr(" and Bengio, Simard and Frasconi", " 以及 Bengio、Simard 和 Frasconi"),
             Cite("bengio1994"),
             tr(" found that for plain RNNs the answer is usually no. The next sections show "
                "why, starting with a single hidden unit.",
                " 发现，对普通 RNN，答案通常是否定的。下面各节从只有一个隐藏单元的情形"
                "开始说明原因。")),
    )


def build(ctx):
    """(Section, results for results.json)."""
    forward, jacobian, backward = model_steps()
    blocks = (*opening(), *model(forward), notation.table(), *backpropagation(jacobian, backward),
              *the_question())
    learn = (tr("Why a long dependency is hard to learn for a recurrent network: the gradient "
                "that carries it is a product of one Jacobian matrix per time step. You will "
                "also meet the model and the notation used throughout.",
                "为什么循环网络难以学习长距离依赖：决定能否学到这种依赖的梯度，是每个时间步一个雅可比"
                "矩阵的乘积；本节还介绍全文使用的模型与符号。"),)
    takeaway = (tr("The gradient that links the end of a sequence to its start is the product of "
                   "the step Jacobians; whether its norm stays away from 0 and from infinity as ",
                   "把序列末尾与开头联系起来的梯度是单步雅可比矩阵之积；当 "), Math(derive.T),
                tr(" grows is the question of these notes.",
                   " 增长时其范数能否远离 0 与无穷，就是本讲义要回答的问题。"))
    results = {"question_example_T": EXAMPLE_T,
               "question_words_between": BETWEEN,
               "question_notation_symbols": sorted(notation.SYMBOLS)}
    return Section(LABEL, TITLE, learn, blocks, takeaway), results
