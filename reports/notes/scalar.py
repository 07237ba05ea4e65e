"""Section 'sec:scalar': (placeholder until written)."""

from reports.doc import Para, Section, tr

LABEL = 'sec:scalar'
TITLE = tr('The scalar case: w to the power T', '标量情形：w 的 T 次幂')


def build(ctx):
    """(Section, results for results.json)."""
    return Section(LABEL, TITLE, (tr("To be written.", "待写。"),),
                   (Para(tr("To be written.", "待写。")),),
                   (tr("To be written.", "待写。"),)), {}
