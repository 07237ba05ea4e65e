"""Writing files at the edge: atomically (a uniquely named temp file in the target folder,
then a rename; the temp file removed on every failure), one writer per output folder at a
time (``folder_lock``), SIGTERM handled like Ctrl-C (``interruptible``: clean-up runs), and
PDFs built with pdflatex, run until its cross-references settle, so the same source always
gives the same bytes.  SIGKILL cannot be handled: a killed run leaves only complete files in
the output folder, and its ``rnngrad-tex-<pid>-*`` scratch folder in the temp folder until the
next PDF build removes it."""

import contextlib
import fcntl
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

TEX_TIMEOUT = 300
MAX_PASSES = 6   # pdflatex passes before the contents and references must have settled
SETTLING = (".aux", ".toc", ".out", ".lof", ".lot")   # what a pass writes for the next one
NO_TEX = ("no TeX engine (pdflatex) on PATH; install one with: sh scripts/install.sh, "
          "or apt-get install texlive-latex-base texlive-latex-recommended "
          "(or pass --no-pdf to skip the PDF)")


class TexUnavailable(RuntimeError):
    """No TeX engine (pdflatex) on PATH."""


class TexFailed(RuntimeError):
    """The TeX engine ran and failed; the message holds the first error line of its log."""


def write_atomic(path, data):
    """Write ``data`` (str or bytes) to ``path`` via a temp file in the same folder + rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    tmp, mask = None, _hold_signals()   # Ctrl-C cannot fall between mkstemp and the try
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as out:
            out.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if tmp is not None:
            _hold_signals()
            Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _hold_signals():
    """Block SIGINT and SIGTERM (they wait until unblocked); returns the previous mask."""
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


@contextlib.contextmanager
def scratch_folder():
    """A new ``rnngrad-tex-*`` folder in the temp folder, removed however the block ends
    (signals are held while it is made and while it is removed, so none falls between)."""
    _sweep_stale_scratch()
    mask = _hold_signals()
    try:
        folder = tempfile.mkdtemp(prefix=f"rnngrad-tex-{os.getpid()}-")
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            yield folder
        finally:
            _hold_signals()
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def folder_lock(folder, waiting=None):
    """Hold an exclusive lock on ``folder`` (flock on the folder itself: no lock file is
    left behind) while the block runs; a second writer into the same folder waits, calling
    ``waiting()`` once first.  Released when the process ends, however it ends."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def interruptible():
    """While the block runs, SIGTERM raises KeyboardInterrupt as Ctrl-C does, so temp files
    and scratch folders are removed on the way out (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _sweep_stale_scratch():
    """Remove this user's ``rnngrad-tex-<pid>-*`` folders whose process no longer runs (left
    by a SIGKILL, which no program can clean up after)."""
    for folder in Path(tempfile.gettempdir()).glob("rnngrad-tex-*-*"):
        pid = folder.name.split("-")[2]
        try:
            if not pid.isdigit() or folder.stat().st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def tex_engine():
    """The command that builds a PDF from a .tex file (pdflatex; ``build_pdf`` runs it until
    the cross-references settle), or None when there is none."""
    if shutil.which("pdflatex"):
        return ["pdflatex", "-interaction=nonstopmode", "-halt-on-error"]
    return None


def build_pdf(tex_source, pdf_path, assets=None, log_path=None):
    """Compile ``tex_source`` in a scratch folder (with the folder ``assets`` copied beside it
    under its own name, its hidden files, such as another writer's temp files, left out) and
    move the PDF to ``pdf_path`` atomically; with ``log_path``, TeX's log is kept there too
    (see ``overfull_boxes``).  pdflatex runs until a pass leaves the .aux, .toc and .out
    files as it found them (at most MAX_PASSES, else TexFailed), so the contents' page
    numbers are right and the PDF's bytes depend on the source alone."""
    engine = tex_engine()
    if engine is None:
        raise TexUnavailable(NO_TEX)
    with interruptible(), scratch_folder() as scratch:
        if assets is not None:
            shutil.copytree(assets, Path(scratch, Path(assets).name),
                            ignore=shutil.ignore_patterns(".*"))
        source = Path(scratch, "document.tex")
        source.write_text(tex_source, encoding="utf-8")
        passed = _run_passes(engine, scratch)
        pdf, log = Path(scratch, "document.pdf"), Path(scratch, "document.log")
        if log_path is not None and log.exists():
            write_atomic(log_path, log.read_bytes())
        if passed is not True:
            raise TexFailed(passed)
        if not pdf.exists():
            raise TexFailed("TeX failed: no PDF written")
        write_atomic(pdf_path, pdf.read_bytes())
    return Path(pdf_path)


def _run_passes(engine, scratch):
    """Run ``engine`` on document.tex until the settling files stop changing: True, or the
    reason it failed."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}  # same bytes
    before = None
    for _ in range(MAX_PASSES):
        run = subprocess.run([*engine, "document.tex"], cwd=scratch, capture_output=True,
                             text=True, timeout=TEX_TIMEOUT, stdin=subprocess.DEVNULL, env=env)
        if run.returncode != 0:
            return f"TeX failed: {_first_error(Path(scratch, 'document.log'))}"
        after = settling_state(scratch)
        if after == before:
            return True
        before = after
    return (f"TeX failed: the contents and cross-references still changed after {MAX_PASSES} "
            "pdflatex passes")


def settling_state(folder):
    """{name: bytes} of the files in ``folder`` that one pdflatex pass writes for the next
    (.aux, .toc, .out, .lof, .lot)."""
    return {path.name: path.read_bytes() for path in sorted(Path(folder).iterdir())
            if path.suffix in SETTLING}


def overfull_boxes(log_text):
    r"""The widths in pt of every overfull box that a TeX log reports, in order.

    >>> overfull_boxes("Overfull \\hbox (12.5pt too wide) in paragraph at lines 3--4")
    [12.5]
    """
    pattern = r"^Overfull \\[hv]box \(([0-9.]+)pt too (?:wide|high)\)"
    return [float(width) for width in re.findall(pattern, log_text, flags=re.MULTILINE)]


def _first_error(log):
    if not log.exists():
        return "no log written"
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("!"):
            return line.lstrip("! ").strip()
    return "see the TeX log"
