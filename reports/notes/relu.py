"""Section 'sec:relu': (placeholder until written)."""

from reports.doc import Para, Section, tr

LABEL = 'sec:relu'
TITLE = tr('ReLU: the open question answered', 'ReLU：思考题的解答')


def build(ctx):
    """(Section, results for results.json)."""
    return Section(LABEL, TITLE, (tr("To be written.", "待写。"),),
                   (Para(tr("To be written.", "待写。")),),
                   (tr("To be written.", "待写。"),)), {}
