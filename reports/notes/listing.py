"""Appendix 'app:listing': the Python listing of the first source article, as published.

The article (in Chinese; section 5, "Project practice: code example and detailed explanation")
prints this listing; it is reproduced verbatim, cut off where the article's text ends, so the
audit (``reports.notes.audit``) can point to its lines.  The English version differs only in its
comments, translated in place and marked "(translated)", so both versions have the same line
numbers.
"""

from reports.doc import Listing, Para, Ref, Section, tr

LABEL = "app:listing"
LISTING_LABEL = "lst:seed-listing"
TITLE = tr("The first source article's listing", "第一篇原文的代码清单")

ORIGINAL = '''import numpy as np

# 定义激活函数及其导数
def tanh(x):
    return np.tanh(x)

def tanh_deriv(x):
    return 1 - np.tanh(x) ** 2

# 定义RNN单元
class RNNUnit:
    def __init__(self, input_size, hidden_size):
        self.W_xh = np.random.randn(input_size, hidden_size)
        self.W_hh = np.random.randn(hidden_size, hidden_size)
        self.b_h = np.zeros(hidden_size)

    def forward(self, x, h_prev):
        self.x = x
        self.h_prev = h_prev
        self.h = tanh(np.dot(x, self.W_xh) + np.dot(h_prev, self.W_hh) + self.b_h)
        return self.h

    def backward(self, grad_h, grad_o):
        grad_h_prev = np.dot(grad_h, self.W_hh.T)
        grad_W_hh = np.dot(self.h_prev.T, grad_h * tanh_deriv(self.h))
        grad_W_xh = np.dot(self.x.T, grad_h * tanh_deriv(self.h))
        grad_b_h = grad_h * tanh_deriv(self.h)
        return grad_h_prev, grad_W_xh, grad_W_hh, grad_b_h

# 定义RNN
class RNN:
    def __init__(self, input_size, hidden_size, seq_len):
        self.seq_len = seq_len
        self.hidden_size = hidden_size
        self.rnn_units = [RNNUnit(input_size, hidden_size) for _ in range(seq_len)]

    def forward(self, x):
        h_prev = np.zeros(self.hidden_size)
        self.h_list = []
        for rnn_unit in self.rnn_units:
            h_prev = rnn_unit.forward(x[:, t], h_prev)
            self.h_list.append(h_prev)
        return h_prev

    def backward(self, grad_o):
        grad_h_prev = grad_o
        grad_W_xh_list = []
        grad_W_hh_list = []
        grad_b_h_list = []
        for rnn_unit in reversed(self.rnn_units):
            grad_h_prev, grad_W_xh, grad_W_hh, grad_b_h = rnn_unit.backward(grad_h_prev, grad_o)
            grad_W_xh_list.append(grad_W_xh)
            grad_W_hh_list.append(grad_W_hh)
            grad_b_h_list.append(grad_b_h)
        return grad_W_xh_list, grad_W_hh_list, grad_b_h_list

# 示例用法
input_size = 10
hidden_size = 20
seq_len = 100

rnn = RNN(input_size, hidden_size, seq_len)
x = np.random.randn(1, seq_len, input_size)
h_final = rnn.forward(x)

# 计算梯度
grad_o = np.ones(hidden_size)
grad_W_xh, grad_W_hh, grad_b_h = rnn.backward(grad_o)

# 检查梯度大小
print("Gradient norms:")
for t in range(seq_len):
    print(f"Time step {t}: W_xh={np.linalg.norm(grad'''

COMMENTS = {
    "# 定义激活函数及其导数": "# Define the activation function and its derivative (translated)",
    "# 定义RNN单元": "# Define the RNN unit (translated)",
    "# 定义RNN": "# Define the RNN (translated)",
    "# 示例用法": "# Example usage (translated)",
    "# 计算梯度": "# Compute the gradients (translated)",
    "# 检查梯度大小": "# Check the size of the gradients (translated)",
}


def translated(code=ORIGINAL):
    """The listing with each Chinese comment line replaced by its English translation in place
    (the same number of lines, so line numbers agree)."""
    lines = code.split("\n")
    out = [COMMENTS.get(line.strip(), line) for line in lines]
    return "\n".join(out)


CODE = tr(translated(), ORIGINAL)


def lines_with(snippet):
    """The 1-based numbers of the listing's lines that contain ``snippet`` (the same in both
    versions); ValueError when none does.

    >>> lines_with("x[:, t]")
    (41,)
    """
    found = tuple(i for i, line in enumerate(ORIGINAL.split("\n"), start=1) if snippet in line)
    if not found:
        raise ValueError(f"no line of the listing contains {snippet!r}")
    return found


CAPTION = (tr("The Python listing of the first source article", "第一篇原文中的 Python 程序"),
           tr(", reproduced as published, including its last line, which the article leaves "
              "unfinished. The comments are translated from Chinese. The audit in ",
              "，按原样转载，包括原文未写完的最后一行。"),
           Ref("sec:audit"),
           tr(" cites its defects by line number.", "按行号指出其中的缺陷。"))


def build(ctx):
    """(Section, results for results.json)."""
    lines = len(ORIGINAL.split("\n"))
    blocks = (
        Para(tr("The first source article illustrates its argument with the following Python "
                "program. It is printed here exactly as the article prints it, so that the "
                "defects discussed in ",
                "第一篇原文用下面的 Python 程序来演示其论点。这里按原文逐字转载，以便读者对照"),
             Ref("sec:audit"),
             tr(" can be checked line by line. Only the comments have been translated from "
                "Chinese; each translated comment is marked as such and stays on its original "
                "line.",
                "中讨论的缺陷逐行核对。英文版只把中文注释译成英文，每条译文都注明"
                "“translated”，并保留在原来的行上，因此两种语言的行号完全相同。")),
        Listing(LISTING_LABEL, CAPTION, CODE),
    )
    section = Section(
        LABEL, TITLE,
        (tr("What the first source article's program says, line by line, so that its defects "
            "can be checked.", "第一篇原文中的程序全文，便于逐行核对其缺陷。"),),
        blocks,
        (tr("The listing does not run: read it as a sketch, and use the corrected computation "
            "of ", "这段程序无法运行：只能把它当作草图来读；正确的计算见"),
         Ref("sec:audit"), tr(" instead.", "。")),
        appendix=True)
    return section, {"listing_lines": lines}
