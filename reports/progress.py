"""Progress of long loops on stderr, in-house (about 30 lines; no tqdm or rich needed).

On a terminal (``stream.isatty()``) one line is rewritten in place with ``\\r``: step, percent,
elapsed time and the ETA = elapsed · (total − t) / t; it is redrawn only when the whole percent
changes and ends with a newline at the last step.  Elsewhere (a pipe, a log file) one line is
written at each quarter passed (25, 50, 75, 100 %), at most four lines.  Nothing is written
before ``delay`` seconds have passed, so short runs stay silent.  ``rnngrad check`` passes a
third argument, what is being done ("mpmath: step 3 of 10"), which stands in the line in place
of the step count.
"""

import sys
import threading
import time
from contextlib import contextmanager


class Progress:
    """``progress(t, total[, what])`` callback; ``stream`` None means sys.stderr at call
    time."""

    def __init__(self, label, stream=None, delay=2.0, clock=time.monotonic):
        self.label, self.stream, self.delay, self.clock = label, stream, delay, clock
        self.start, self.shown, self.width = clock(), -1, 0

    def __call__(self, t, total, what=None):
        elapsed = self.clock() - self.start
        if elapsed < self.delay or self.shown >= 100:
            return
        stream = self.stream if self.stream is not None else sys.stderr
        percent = 100 * t // total
        tty = stream.isatty()
        mark = percent if tty else 25 * (percent // 25)
        if mark <= self.shown or mark == 0:
            return
        self.shown = mark
        eta = "done" if t >= total else f"ETA {_duration(elapsed * (total - t) / t)}"
        where = f"step {t:,} of {total:,}" if what is None else what
        line = f"{self.label}: {where} ({percent}%), {_duration(elapsed)} elapsed, {eta}"
        if tty:
            end = "\n" if t >= total else ""
            stream.write(f"\r{line:<{self.width}}{end}")
            self.width = len(line)
        else:
            stream.write(line + "\n")
        stream.flush()


def _duration(seconds):
    """12 s, 3:05 (minutes:seconds) or 1:02:03 (hours)."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@contextmanager
def still_working(label, what, delay=3.0, stream=None):
    """For work with no steps to count (``rnngrad derive``'s symbolic work): one line on
    stderr, "LABEL: still working on WHAT", once the block has run ``delay`` seconds, on a
    terminal only (someone waiting at it; a log or a pipe gets the result alone, whatever the
    machine's load); nothing when the block ends sooner.  A timer thread writes it; the
    block's own output is untouched."""

    def say():
        out = stream if stream is not None else sys.stderr
        if out.isatty():
            out.write(f"{label}: still working on {what}\n")
            out.flush()

    timer = threading.Timer(delay, say)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
