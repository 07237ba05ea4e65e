"""The defects of the first source article's listing (``numeric.SEED_DEFECTS``, in the same
order), each pointing to the lines of the listing (``reports.notes.listing``) that hold them.
The line numbers are found in the listing's text by the code they cite, never typed.  Each
defect is confirmed by running the listing (tests/test_audit_truth.py): the SyntaxError of the
unfinished last line, the NameError, the shape error with t defined, and the values of the
derivative, the pass-back, the unused ``grad_o`` and the reversed lists."""

import sympy as sp

import numeric
from reports.doc import Code, Math, tr
from reports.notes.listing import lines_with

N = sp.Symbol("n", integer=True, positive=True)
W_HH, D_K = sp.MatrixSymbol("W_hh", N, N), sp.MatrixSymbol("D_k", N, N)
G_K = sp.MatrixSymbol("g_k", N, 1)
A, H = sp.symbols("a h", real=True)

# each defect: the code it cites (every line holding one of them is cited) and its text
DEFECTS = (
    (("x[:, t]", "h_final = rnn.forward(x)", "for t in range(seq_len)", "np.linalg.norm(grad"),
     (Code("RNN.forward"), tr(" uses ", " 使用了 "), Code("x[:, t]"),
      tr(", but no variable t exists when it is called; t is defined only later, by the "
         "printing loop. Without its unfinished last line the program stops with a NameError "
         "at its first step; as printed, Python refuses to start it at all, with a SyntaxError "
         "in that last line.",
         "，但调用它时变量 t 并不存在；t 直到后面的打印循环才被定义。去掉未写完的最后一行，程序在"
         "第一步就因 NameError 而终止；按原样，Python 根本不会开始运行它，而是在最后一行报 "
         "SyntaxError。"))),
    (("self.rnn_units = [RNNUnit", "self.W_hh = np.random.randn"),
     (tr("Every time step gets its own ", "每个时间步都有自己的 "), Code("RNNUnit"),
      tr(" with its own weights. That is a deep feed-forward network, not a recurrent one: "
         "an RNN shares one recurrent matrix across all steps, and its gradient is the sum "
         "of the contributions of all steps.",
         " 及其自己的权重。这是一个深层前馈网络，而不是循环网络：RNN 在所有时间步共享同一个循环"
         "权重矩阵，其梯度是所有时间步贡献之和。"))),
    (("tanh_deriv(self.h)",),
     (Code("tanh_deriv"), tr(" is applied to the output h = tanh(a), so it computes ",
                             " 被作用于输出 h = tanh(a)，因此算出的是 "),
      Math(1 - sp.tanh(sp.tanh(A)) ** 2), tr(" instead of ", "，而不是 "),
      Math(sp.Eq(1 - sp.tanh(A) ** 2, 1 - H ** 2, evaluate=False)), tr(".", "。"))),
    (("grad_h_prev = np.dot(grad_h, self.W_hh.T)",),
     (tr("The error arriving at step k, ", "到达第 k 步的误差 "), Math(G_K),
      tr(", is passed back as ", " 被反向传递为 "), Math(W_HH.T * G_K),
      tr(", without the derivative of the activation; the correct recurrence is ",
         "，漏掉了激活函数的导数；正确的递推是 "),
      Math(W_HH.T * D_K * G_K), tr(".", "。"))),
    (("def backward(self, grad_h, grad_o)", "rnn_unit.backward(grad_h_prev, grad_o)"),
     (Code("RNNUnit.backward"), tr(" takes a second argument ", " 接受第二个参数 "),
      Code("grad_o"),
      tr(", the gradient of the loss with respect to the step's output, and "
         "RNN.backward passes it to every step, but the method never uses it. A loss at "
         "every step would add its gradient to the error at every step; here only the error "
         "arriving from the last step is ever passed back.",
         "（损失对该步输出的梯度），RNN.backward 也把它传给了每一步，但该方法从未使用它。"
         "若每一步都有损失，每一步的误差都应加上它的梯度；而这里只有来自最后一步的误差被反向"
         "传递。"))),
    (("x = np.random.randn(1, seq_len, input_size)", "np.dot(self.h_prev.T"),
     (Code("x"), tr(" has the shape (1, seq_len, input_size), so each input is a 1-by-"
                    "input_size row, while the first hidden state is a flat vector. Transposing "
                    "a flat vector does nothing, so ", " 的形状是 (1, seq_len, input_size)，"
                    "因此每个输入是一个 1×input_size 的行向量，而初始隐藏状态是一维向量。对一维向量"
                    "转置不起作用，因此 "), Code("np.dot(self.h_prev.T, ...)"),
      tr(" cannot form the outer product that the weight gradient needs: even with t "
         "defined, the backward pass stops with a shape error there.",
         " 无法构成权重梯度所需的外积：即使定义了 t，反向传播也会在这里因形状错误而终止。"))),
    (("for rnn_unit in reversed(self.rnn_units)", "grad_W_hh_list.append(grad_W_hh)"),
     (Code("RNN.backward"), tr(" visits the steps from the last to the first and appends "
                               "each step's gradients as it goes, so entry t of the returned "
                               "lists belongs to time step seq_len - 1 - t (counting from 0), "
                               "not to step t, as the printing loop labels it.",
                               " 从最后一步到第一步依次访问各步，并随之追加每一步的梯度，"
                               "因此返回列表的第 t 项属于第 seq_len - 1 - t 个时间步（从 0 "
                               "开始计数），而不是打印循环所标注的第 t 步。"))),
)


def defect_lines():
    """For each defect, the sorted line numbers of the listing it cites."""
    if len(DEFECTS) != len(numeric.SEED_DEFECTS):
        raise ValueError("the listing's defects and numeric.SEED_DEFECTS disagree")
    return [sorted({n for snippet in snippets for n in lines_with(snippet)})
            for snippets, _ in DEFECTS]


def defect_items():
    """The defects as list items, each opened by its line numbers ("Lines 25-27: ...")."""
    items = []
    for lines, (_, text) in zip(defect_lines(), DEFECTS, strict=True):
        numbers = tr(", ".join(str(n) for n in lines), "、".join(str(n) for n in lines))
        word = tr("Line " if len(lines) == 1 else "Lines ", "第 ")
        items.append((word, numbers, tr(": ", " 行："), *text))
    return tuple(items)
