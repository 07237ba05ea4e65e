"""Section 'sec:saturation': (placeholder until written)."""

from reports.doc import Para, Section, tr

LABEL = 'sec:saturation'
TITLE = tr('Saturation', '饱和')


def build(ctx):
    """(Section, results for results.json)."""
    return Section(LABEL, TITLE, (tr("To be written.", "待写。"),),
                   (Para(tr("To be written.", "待写。")),),
                   (tr("To be written.", "待写。"),)), {}
