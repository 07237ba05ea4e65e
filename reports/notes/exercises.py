"""Section 'sec:exercises': (placeholder until written)."""

from reports.doc import Para, Section, tr

LABEL = 'sec:exercises'
TITLE = tr('Exercises with solutions', '习题与解答')


def build(ctx):
    """(Section, results for results.json)."""
    return Section(LABEL, TITLE, (tr("To be written.", "待写。"),),
                   (Para(tr("To be written.", "待写。")),),
                   (tr("To be written.", "待写。"),)), {}
