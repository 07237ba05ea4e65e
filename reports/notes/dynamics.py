"""Section 'sec:dynamics': (placeholder until written)."""

from reports.doc import Para, Section, tr

LABEL = 'sec:dynamics'
TITLE = tr('The dynamical-systems view', '动力系统的视角')


def build(ctx):
    """(Section, results for results.json)."""
    return Section(LABEL, TITLE, (tr("To be written.", "待写。"),),
                   (Para(tr("To be written.", "待写。")),),
                   (tr("To be written.", "待写。"),)), {}
