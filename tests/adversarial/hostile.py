"""Run the real ``rnngrad`` command line on hostile input, in a subprocess with limits.

Each run gets a wall-clock limit and an address-space limit (``RLIMIT_AS``), so an input that
would hang or eat the machine fails its test instead of the test run.  The helpers assert what
a careful user expects of every hostile input: exit 2 with one line on stderr and no traceback,
or a correct result.
"""

import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 3 << 30  # bytes of address space: NumPy, SymPy and matplotlib fit with room
TIME_LIMIT = 60.0       # seconds: far above any answer this suite expects


@dataclass(frozen=True)
class Run:
    """What one command did: exit status, both streams, and whether it hit the time limit."""

    args: tuple
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool

    def describe(self):
        return (f"rnngrad {' '.join(map(str, self.args))} -> exit {self.returncode}"
                f"{' (timed out)' if self.timed_out else ''}\n"
                f"stdout: {self.stdout[-2000:]}\nstderr: {self.stderr[-2000:]}")


def _limit_memory(limit):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        default_interrupt()
    return apply


def default_interrupt():
    """In the child before it starts: Ctrl-C back to its default, so Python turns it into
    KeyboardInterrupt.  A test run started in the background by a shell (`pytest &`, as a CI
    job may be) inherits SIGINT ignored, and every child would ignore it too."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def rnngrad(*args, cwd=None, stdin=None, timeout=TIME_LIMIT, memory=MEMORY_LIMIT, env=None):
    """Run ``python -m reports ARGS`` (the ``rnngrad`` entry point) under the limits."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1",
                   "MPLBACKEND": "Agg", **(env or {})}
    command = [sys.executable, "-m", "reports", *map(str, args)]
    try:
        done = subprocess.run(command, cwd=cwd or ROOT, input=stdin, capture_output=True,
                              text=True, timeout=timeout, env=environment,
                              preexec_fn=_limit_memory(memory))
    except subprocess.TimeoutExpired as expired:
        out = expired.stdout or ""
        err = expired.stderr or ""
        out = out.decode(errors="replace") if isinstance(out, bytes) else out
        err = err.decode(errors="replace") if isinstance(err, bytes) else err
        return Run(tuple(args), -9, out, err, True)
    return Run(tuple(args), done.returncode, done.stdout, done.stderr, False)


def assert_refused(run, *words):
    """Exit 2, one line on stderr (progress lines aside) naming every one of ``words``, no
    traceback, nothing on stdout."""
    assert not run.timed_out, run.describe()
    assert run.returncode == 2, run.describe()
    assert "Traceback" not in run.stderr, run.describe()
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.describe()
    for word in words:
        assert word.lower() in lines[0].lower(), (word, run.describe())


def assert_clean(run, returncode=0):
    """Finished in time with ``returncode``, no traceback and no warning on stderr."""
    assert not run.timed_out, run.describe()
    assert run.returncode == returncode, run.describe()
    assert "Traceback" not in run.stderr, run.describe()
    assert "Warning" not in run.stderr, run.describe()
