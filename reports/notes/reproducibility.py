"""Section 'app:reproducibility': (placeholder until written)."""

from reports.doc import Para, Section, tr

LABEL = 'app:reproducibility'
TITLE = tr('Reproducibility', '可复现性')


def build(ctx):
    """(Section, results for results.json)."""
    return Section(LABEL, TITLE, (tr("To be written.", "待写。"),),
                   (Para(tr("To be written.", "待写。")),),
                   (tr("To be written.", "待写。"),), appendix=True), {}
