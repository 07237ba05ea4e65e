"""Section 'sec:worked': (placeholder until written)."""

from reports.doc import Para, Section, tr

LABEL = 'sec:worked'
TITLE = tr('A hand-worked example with T = 2', '手算示例：T = 2')


def build(ctx):
    """(Section, results for results.json)."""
    return Section(LABEL, TITLE, (tr("To be written.", "待写。"),),
                   (Para(tr("To be written.", "待写。")),),
                   (tr("To be written.", "待写。"),)), {}
