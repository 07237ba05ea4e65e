"""Section 'app:listing': (placeholder until written)."""

from reports.doc import Para, Section, tr

LABEL = 'app:listing'
TITLE = tr("The source article's listing", '原文的代码清单')


def build(ctx):
    """(Section, results for results.json)."""
    return Section(LABEL, TITLE, (tr("To be written.", "待写。"),),
                   (Para(tr("To be written.", "待写。")),),
                   (tr("To be written.", "待写。"),), appendix=True), {}
