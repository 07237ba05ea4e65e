"""Section 'sec:audit': (placeholder until written)."""

from reports.doc import Para, Section, tr

LABEL = 'sec:audit'
TITLE = tr('The source articles, audited', '原文审校')


def build(ctx):
    """(Section, results for results.json)."""
    return Section(LABEL, TITLE, (tr("To be written.", "待写。"),),
                   (Para(tr("To be written.", "待写。")),),
                   (tr("To be written.", "待写。"),)), {}
