"""Section 'sec:gated': (placeholder until written)."""

from reports.doc import Para, Section, tr

LABEL = 'sec:gated'
TITLE = tr('Gated cells: how LSTM and GRU keep gradients alive', '门控单元：LSTM 与 GRU 如何保住梯度')


def build(ctx):
    """(Section, results for results.json)."""
    return Section(LABEL, TITLE, (tr("To be written.", "待写。"),),
                   (Para(tr("To be written.", "待写。")),),
                   (tr("To be written.", "待写。"),)), {}
