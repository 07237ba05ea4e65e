"""The ``rnngrad`` console script and ``python -m reports``: a light front for ``reports.cli``.

Importing the command line loads SymPy (and later NumPy and matplotlib), which takes about a
second; a Ctrl-C in that second arrives in the middle of some import.  Here it is caught around
the import as ``reports.cli.main`` catches it later in the run: one line on stderr, exit 130.
Some libraries import optional parts inside a bare ``except:`` that would swallow the
KeyboardInterrupt and let the run go on, so the handler also records the interrupt and the
import's end looks at the record.  This module imports nothing heavy itself.
"""

import signal
import sys

INTERRUPTED = 130   # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C


def main(argv=None):
    """Entry point of the ``rnngrad`` console script; returns the exit status."""
    pressed = []

    def on_interrupt(signum, frame):
        pressed.append(signum)
        raise KeyboardInterrupt

    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:   # a shell's `cmd &` ignores it
        signal.signal(signal.SIGINT, on_interrupt)   # Python's own, plus the record: kept on
    try:
        from reports.cli import main as cli_main
    except KeyboardInterrupt:
        return interrupted()
    if pressed:   # raised inside an import that swallowed it
        return interrupted()
    return cli_main(argv)


def interrupted():
    """Say that the run was interrupted (one line) and give the exit status 130."""
    print("rnngrad: interrupted (Ctrl-C)", file=sys.stderr)
    return INTERRUPTED
