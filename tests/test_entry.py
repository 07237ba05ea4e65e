"""The console script's front: a Ctrl-C during the start-up imports is one line and exit 130,
also when a library's bare ``except:`` swallows the KeyboardInterrupt inside its import."""

import importlib.abc
import importlib.util
import os
import signal
import sys
import time

import pytest

from reports import entry


class _SwallowingCli(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Stands in for ``reports.cli``: Ctrl-C arrives during its import and a bare ``except:``
    inside it carries on, as some optional-import code does."""

    ran = []

    def find_spec(self, name, path=None, target=None):
        return importlib.util.spec_from_loader(name, self) if name == "reports.cli" else None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)   # the handler raises here
        except:  # noqa: E722 - the point: a library that swallows everything
            pass
        module.main = lambda argv=None: _SwallowingCli.ran.append(argv) or 0


@pytest.fixture
def swallowing_cli(monkeypatch):
    import reports
    import reports.cli

    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)   # as Python starts, in the
    # foreground (this test run itself may be a background job, which ignores Ctrl-C)
    monkeypatch.setattr(reports, "cli", reports.cli)   # the fake's import rebinds it: restored
    monkeypatch.delitem(sys.modules, "reports.cli")
    finder = _SwallowingCli()
    sys.meta_path.insert(0, finder)
    yield finder
    sys.meta_path.remove(finder)
    signal.signal(signal.SIGINT, previous)


def test_an_interrupt_swallowed_during_the_imports_still_stops_the_run(swallowing_cli, capsys):
    assert entry.main(["check", "case.json"]) == 130
    assert _SwallowingCli.ran == []          # the command itself never ran
    out, err = capsys.readouterr()
    assert out == "" and err == "rnngrad: interrupted (Ctrl-C)\n"


def test_an_ignored_interrupt_stays_ignored(monkeypatch):
    """`rnngrad report &` from a shell starts with Ctrl-C ignored; the entry point leaves it
    so (a background job must not be stopped by the terminal's Ctrl-C)."""
    import reports.cli

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        monkeypatch.setattr(reports.cli, "main", lambda argv=None: 0)
        assert entry.main([]) == 0
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_the_real_command_line_is_back_after_the_fake():
    """Runs after the test above: the fixture put the real module back, for later tests."""
    import reports
    from reports import cli

    assert cli is sys.modules["reports.cli"] is reports.cli
    assert cli.__file__.endswith("cli.py") and callable(cli.build_parser)
