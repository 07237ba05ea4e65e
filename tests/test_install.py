"""The README's first command on a stock Debian 12: Debian's own python3 is externally managed
(PEP 668), so a plain ``pip install`` is refused there.  The install script must then make a
project venv and put ``rnngrad`` on PATH.  This runs the README's first command, as written, in a
copy of the checkout with Debian's interpreter first on PATH (no pyenv, no venv), then
``rnngrad --version``."""

import os
import shutil
import subprocess
from pathlib import Path

from tests.readme_blocks import ROOT, quick_start

DEBIAN_PYTHON = Path("/usr/bin/python3")


def _copy_checkout(target):
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _debian_env(bin_dir):
    """Debian's interpreter first on PATH; nothing of pyenv, venvs or this checkout inherited."""
    keep = {k: v for k, v in os.environ.items() if k in {"HOME", "LANG", "LC_ALL", "TERM"}}
    return {**keep, "PATH": f"{bin_dir}:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
            "RNNGRAD_BIN_DIR": str(bin_dir)}


def test_install_debian_python_is_externally_managed():
    marker = subprocess.run([str(DEBIAN_PYTHON), "-c", "import sysconfig; print(sysconfig."
                             "get_path('stdlib'))"], capture_output=True, text=True, check=True)
    assert Path(marker.stdout.strip(), "EXTERNALLY-MANAGED").exists()


def test_install_readme_first_command_on_externally_managed_python(tmp_path):
    checkout, bin_dir = tmp_path / "rnngrad", tmp_path / "bin"
    checkout.mkdir()
    _copy_checkout(checkout)
    env = _debian_env(bin_dir)
    plain_pip = subprocess.run(["python3", "-m", "pip", "install", "--dry-run", "-e", "."],
                               cwd=checkout, env=env, capture_output=True, text=True)
    assert plain_pip.returncode != 0   # refused: externally managed (or no pip at all)
    done = subprocess.run(["sh", "-c", quick_start()[0] + " && rnngrad --version"],
                          cwd=checkout, env=env, capture_output=True, text=True, timeout=900,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1].startswith("rnngrad ")
    assert (checkout / ".venv" / "bin" / "rnngrad").exists()
    assert (bin_dir / "rnngrad").resolve() == (checkout / ".venv" / "bin" / "rnngrad").resolve()
    for name in ("report.tex", "report.pdf", "results.json"):
        assert (checkout / "out" / name).stat().st_size > 1000
