"""Writing files at the edge: atomically (temp file + rename), and building PDFs with TeX."""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

TEX_TIMEOUT = 300
NO_TEX = ("no TeX engine (latexmk or pdflatex) on PATH; install one with: sh scripts/install.sh, "
          "or apt-get install texlive-latex-base texlive-latex-recommended latexmk "
          "(or pass --no-pdf to skip the PDF)")


class TexUnavailable(RuntimeError):
    """No TeX engine (latexmk or pdflatex) on PATH."""


class TexFailed(RuntimeError):
    """The TeX engine ran and failed; the message holds the first error line of its log."""


def write_atomic(path, data):
    """Write ``data`` (str or bytes) to ``path`` via a temp file in the same folder + rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as out:
            out.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def tex_engine():
    """The command that builds a PDF from a .tex file, or None when no TeX engine is found."""
    if shutil.which("latexmk"):
        return ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-quiet"]
    if shutil.which("pdflatex"):
        return ["pdflatex", "-interaction=nonstopmode", "-halt-on-error"]
    return None


def build_pdf(tex_source, pdf_path, assets=None, log_path=None):
    """Compile ``tex_source`` in a scratch folder (with the folder ``assets`` copied beside it
    under its own name) and move the PDF to ``pdf_path`` atomically; with ``log_path``, TeX's
    log is kept there too (see ``overfull_boxes``)."""
    engine = tex_engine()
    if engine is None:
        raise TexUnavailable(NO_TEX)
    with tempfile.TemporaryDirectory(prefix="rnngrad-tex-") as scratch:
        if assets is not None:
            shutil.copytree(assets, Path(scratch, Path(assets).name))
        source = Path(scratch, "document.tex")
        source.write_text(tex_source, encoding="utf-8")
        env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}  # same bytes
        # latexmk reruns until the contents, labels and citations settle; bare pdflatex
        # needs a second run for them
        for _ in range(1 if engine[0] == "latexmk" else 2):
            run = subprocess.run([*engine, source.name], cwd=scratch, capture_output=True,
                                 text=True, timeout=TEX_TIMEOUT, stdin=subprocess.DEVNULL,
                                 env=env)
            if run.returncode != 0:
                break
        pdf, log = Path(scratch, "document.pdf"), Path(scratch, "document.log")
        if log_path is not None and log.exists():
            write_atomic(log_path, log.read_bytes())
        if run.returncode != 0 or not pdf.exists():
            raise TexFailed(f"TeX failed: {_first_error(Path(scratch, 'document.log'))}")
        write_atomic(pdf_path, pdf.read_bytes())
    return Path(pdf_path)


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
