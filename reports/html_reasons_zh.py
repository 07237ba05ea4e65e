"""Chinese for the reasons of ``derive.derivation`` steps (the RNN for every activation and the
gated cells), chunk by chunk: a reason is text with math between ``$``; each stripped text
chunk is translated here, the math is kept.  The word order follows the English chunks, so
each translation is written to read well around the math it sits between; where Chinese puts
the formula first, ``{math}`` in a translation stands for the math chunk that follows it."""

REASONS_ZH = {
    "chain rule (gradients written as rows)": "链式法则（梯度写成行向量）",
    "chain rule over": "链式法则，经过",
    "chain rule through": "链式法则，经由",
    "equal factors": "个相等的因子",
    "identity activation:": "恒等激活函数：",
    "steps, later steps on the left": "步，较晚的步在左边",
    "the gradient of the loss at the last state": "损失在最后一个状态处的梯度",
    "the product of": "乘积：",
    "pre-activation at step": "预激活，时间步",
    "from 1 to": "从 1 到",
    ", input": "，输入",
    "hidden state, activation applied elementwise": "隐藏状态，激活函数逐元素作用",
    "recurrent weights": "循环权重",
    "input weights": "输入权重",
    "bias": "偏置",
    "initial state": "初始状态",
    "initial state, a free real symbol": "初始状态，一个自由实符号",
    "derived by SymPy": "由 SymPy 推导",
    "derived by SymPy and checked by simplify": "由 SymPy 推导，并经 simplify 核验",
    "the activation gain": "激活函数的增益",
    "exact": "精确",
    "where the supremum is attained": "上确界在此取到",
    "the supremum is a limit, never attained": "上确界是一个极限，取不到",
    "never attained": "取不到",
    "the activation derivative at step": "激活函数的导数，时间步",
    "chain rule:": "链式法则：",
    "depends on": "依赖于",
    "through": "经由",
    "the step Jacobian": "单步雅可比矩阵",
    "the step Jacobian at": "单步雅可比矩阵，取",
    "the step Jacobian,": "单步雅可比矩阵，",
    ", entry by entry": "，逐个元素写出",
    "product of step Jacobians, later steps on the left": "单步雅可比矩阵之积，较晚的步在左",
    "submultiplicativity of the norm": "范数的次乘性",
    "norm of a diagonal matrix": "对角矩阵的范数",
    "each": "每个",
    "the largest singular value of": "{math} 的最大奇异值",   # {math}: the formula after it
    "the sum of the squared entries of": "{math} 各元素的平方和",
    "the bound for this RNN over": "此 RNN 的上界，经过",
    "steps": "步",
    "sufficient for vanishing": "梯度消失的一个充分条件",
    "necessary (not sufficient) for exploding": "梯度爆炸的必要（非充分）条件",
    "the loss": "损失",
    "is": "即",
    "back through the activation": "反向经过激活函数",
    "back through": "反向经过",
    "back through one step": "反向经过一步",
    "BPTT: the sum of the path terms over time steps": "时间反向传播（BPTT）：各时间步路径项之和",
    "BPTT over all": "时间反向传播（BPTT），遍及全部",
    "parameter entries;": "个参数分量；",
    "at step k (Matrix.jacobian of the step map)":
        "在时间步 k 处（单步映射的 Matrix.jacobian）",
    "Matrix.jacobian of the step map at": "单步映射的 Matrix.jacobian，取",
    "the vanishing condition solved for": "梯度消失条件，对下列变量求解：",
    "spectral radius: for the linear RNN": "谱半径：对线性 RNN，",
    "decides unless it equals 1": "起决定作用，除非它等于 1",
    "linear RNN: vanishing, geometrically (Gelfand)": "线性 RNN：按几何级数消失（Gelfand）",
    "linear RNN: exploding, geometrically (Gelfand)": "线性 RNN：按几何级数爆炸（Gelfand）",
    "then the Jordan blocks of the eigenvalues of modulus 1 decide":
        "此时由模为 1 的特征值的若尔当块决定",
    ": the largest such block;": "：最大的这种若尔当块的大小；",
    "(semisimple): bounded": "（半单）：有界",
    "bounded:": "有界：",
    "= 1 for every": "= 1，对所有",
    "Gelfand's formula": "Gelfand 公式",
    "expanded: every entry written out": "展开：写出每个元素",
    "for tanh": "对 tanh 而言",
    "the limit of": "极限：",
    "numeric, grid + refinement, rounded up to": "数值解（网格搜索加细化），向上取整到",
    "upper bound certified by interval arithmetic over the whole line, within 10^-40 of the "
    "supremum": "在整条实轴上由区间算术证明的上界，与上确界相差不超过 10^-40（相对）",
    "exact; interval arithmetic over the whole line finds nothing larger":
        "精确；区间算术在整条实轴上没有找到更大的值",
    "numeric, grid + refinement, rounded up; confirmed an upper bound over the whole line by "
    "interval arithmetic": "数值解（网格搜索加细化），向上取整；经区间算术证明在整条实轴上是上界",
    "upper bound (accumulation value at ±∞) confirmed by interval arithmetic over the whole "
    "line": "上界（±∞ 处的聚点值），经区间算术在整条实轴上证实",
    "upper bound from the accumulation bounds at ±∞ (may exceed the supremum)":
        "由 ±∞ 处的聚点界给出的上界（可能大于上确界）",
    "digits": "位有效数字",
    "exact; critical points of some pieces from a numeric grid search":
        "精确；部分分段的临界点来自数值网格搜索",
    "sign changes of": "在这些点上寻找 {math} 的变号，",   # {math}: φ''(z)
    "sought here, bisected to": "再用二分法细化到小数点后",
    "places; not a proof all were found": "位；这并不证明找到了全部根",
    "places (only those near the largest value); not a proof all were found":
        "位（仅限接近最大值者）；这并不证明找到了全部根",
    "more of the grid": "网格的其余部分",
    "where the supremum is attained (numeric: points and value to":
        "上确界在此取到（数值解：点与值均取",
    "digits)": "位有效数字）",
    "no limit: the values of": "没有极限：{math} 的值聚集在这个区间上；",   # {math}: φ'(z)
    "accumulate on this interval;": "",
    "comes arbitrarily close to": "一再任意接近",
    "again and again": "",
    "agrees with": "一再与",
    "to within": "相符到",
    "digits, again and again": "位有效数字",
    "the limit agrees with the numeric": "该极限与数值解",
    "channel": "通道",
    ": its row blocks of the stacked parameters (PyTorch's layout)":
        "：它在堆叠参数中的行块（PyTorch 的布局）",
    ": IndRNN's input weights and bias (the recurrent":
        "：IndRNN 的输入权重与偏置（循环权重",
    "acts in the unit map)": "作用在单元映射中）",
    "in the order [h]": "，按 [h] 的顺序",
    "in the order [h; c]": "，按 [h; c] 的顺序",
    "reads": "只读取",
    "only": "",
    "the constant error carousel: the (c, c) block is": "恒定误差传送带（CEC）：(c, c) 块为",
    "times the Kronecker delta": "乘以克罗内克 δ",
    "times the Kronecker delta)": "乘以克罗内克 δ）",
    "in blocks:": "分块：",
    "without the paths through h (": "去掉经由 h 的路径（",
    ") only the carousel is left": "）后只剩下传送带",
    "small weights and inputs:": "小权重与小输入：",
    "near the forget gate's bias": "接近遗忘门的偏置",
    "solved by SymPy for T: the number of steps until": "由 SymPy 对 T 求解：所需步数，直到",
    ": a larger forget bias lengthens the memory exponentially":
        "：遗忘门偏置越大，记忆按指数增长",
    ": steps until": "：所需步数，直到",
    "the update-gate carousel: what is left with": "更新门传送带：令下列量为零后所剩的部分：",
    "(the block is": "（该块为",
    "with small weights and inputs the update-gate bias": "在小权重与小输入下，更新门偏置",
    "acts as": "的作用如同",
    "does": "",
    "diagonal: unit i sees only its own past (": "对角：单元 i 只看到自己的过去（",
    "per unit,": "逐单元，",
    "each step:": "每一步：",
    "per unit i at step k (elementwise)": "单元 i 在时间步 k（逐元素）",
    "derived from the unit map; unit symbols are unit i's at step k":
        "由单元映射推导；单元符号取单元 i 在时间步 k 的值",
    "in the gate values above": "用上面的门值表示",
    "along the carousel: per unit, the product of its update gates":
        "沿传送带：逐单元，其更新门之积",
    "the carousel's product: per unit, the product of its forget gates":
        "传送带的乘积：逐单元，其遗忘门之积",
    "per unit, along the carousel, with that forget gate at every step":
        "逐单元，沿传送带，每一步都取该遗忘门",
    "vanishes, unit by unit": "逐单元地消失",
}

# Chunks that carry a number or a name: (regular expression, replacement with \1 …).
REASON_PATTERNS_ZH = (
    (r"activation (\w+(?:_\w+)*)", r"激活函数 \1"),
    (r"; here about ([-+0-9.eE]+)", r"；此处约为 \1"),
    (r"the \(c, c\) block of the product for T = (\d+): the carousel plus the terms that pass "
     r"through h", r"T = \1 时乘积的 (c, c) 块：传送带加上经由 h 的各项"),
)

__all__ = ["REASONS_ZH", "REASON_PATTERNS_ZH"]
