"""reports.progress: one updating line on a terminal, at most four lines elsewhere."""

import io

import pytest

from reports.progress import Progress

T_LONG = 10**7
# the calls numeric.scalar_sweep makes for T = 10^7: every 65536 steps and at the last step
CALLS = [*range(65536, T_LONG + 1, 65536), T_LONG]


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


class Pipe(io.StringIO):
    def isatty(self):
        return False


def drive(stream, delay=2.0):
    """Run the T = 10^7 call sequence with a clock that advances 0.1 s per call."""
    ticks = iter(0.1 * k for k in range(len(CALLS) + 1))
    progress = Progress("rnngrad sweep", stream=stream, delay=delay, clock=lambda: next(ticks))
    for t in CALLS:
        progress(t, T_LONG)
    return stream.getvalue()


def test_progress_terminal_is_one_updating_line_with_eta():
    text = drive(FakeTerminal())
    assert len(CALLS) == 153  # the old code printed one line per call after 2 s: 152 lines
    assert text.count("\n") == 1 and text.endswith("\n")  # one line, ended at 100 %
    frames = text.rstrip("\n").split("\r")[1:]
    assert 2 <= len(frames) <= 100  # redrawn when the whole percent changes, not per call
    assert "ETA" in frames[0] and "(100%)" in frames[-1] and "done" in frames[-1]
    # each frame is padded to cover the one before it, so no stale characters remain
    assert all(len(b) >= len(a.rstrip()) for a, b in zip(frames, frames[1:], strict=False))


def test_progress_eta_is_remaining_fraction_times_elapsed():
    stream = FakeTerminal()
    clock = iter([0.0, 10.0])
    Progress("x", stream=stream, clock=lambda: next(clock))(25, 100)
    assert "ETA 30 s" in stream.getvalue()  # 10 s for 25 %: 30 s for the other 75 %


def test_progress_pipe_writes_the_quarters_only():
    lines = drive(Pipe()).splitlines()
    assert len(lines) == 4
    assert [line.split("(")[1].split("%")[0] for line in lines][-1] == "100"
    assert [int(line.split("(")[1].split("%")[0]) // 25 for line in lines] == [1, 2, 3, 4]


@pytest.mark.parametrize("stream", [FakeTerminal(), Pipe()], ids=["terminal", "pipe"])
def test_progress_short_runs_stay_silent(stream):
    assert drive(stream, delay=100.0) == ""
