"""Section 'sec:remedies': (placeholder until written)."""

from reports.doc import Para, Section, tr

LABEL = 'sec:remedies'
TITLE = tr('Remedies and what they change', '对策及其作用')


def build(ctx):
    """(Section, results for results.json)."""
    return Section(LABEL, TITLE, (tr("To be written.", "待写。"),),
                   (Para(tr("To be written.", "待写。")),),
                   (tr("To be written.", "待写。"),)), {}
