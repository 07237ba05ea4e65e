"""Section 'sec:vector': (placeholder until written)."""

from reports.doc import Para, Section, tr

LABEL = 'sec:vector'
TITLE = tr('The vector case: Jacobians, products and bounds', '向量情形：雅可比矩阵、乘积与界')


def build(ctx):
    """(Section, results for results.json)."""
    return Section(LABEL, TITLE, (tr("To be written.", "待写。"),),
                   (Para(tr("To be written.", "待写。")),),
                   (tr("To be written.", "待写。"),)), {}
