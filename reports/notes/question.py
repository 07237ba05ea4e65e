"""Section 'sec:question': (placeholder until written)."""

from reports.doc import Para, Section, tr

LABEL = 'sec:question'
TITLE = tr('The question: a long dependency', '问题：长距离依赖')


def build(ctx):
    """(Section, results for results.json)."""
    return Section(LABEL, TITLE, (tr("To be written.", "待写。"),),
                   (Para(tr("To be written.", "待写。")),),
                   (tr("To be written.", "待写。"),)), {}
