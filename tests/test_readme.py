"""README.md as a user reads it: valid CommonMark (headings are headings, every fence closes) and
every code block runs as written — Python blocks, shell blocks, the case file it documents."""

import json
import os
import re
import subprocess
import sys

import pytest

from tests.readme_blocks import README, ROOT, blocks, quick_start, structure_problems, tokens

LANGUAGES = {"sh", "python", "json", "text"}


def test_readme_markdown_has_no_structure_problems():
    assert structure_problems(README.read_text(encoding="utf-8")) == []
    assert len(blocks()) >= 8 and sum(t.type == "heading_open" for t in tokens()) >= 8


@pytest.mark.parametrize("broken", [
    "# A\n\n```\ncode\n```  Exit status: 0\n\n# B\n",     # text after the closing fence
    "# A\n\n```sh\ncode\n\n# B\n",                          # a fence never closed
    "# A\n    # B indented is code\n#C\n",                     # '#C' is no heading
])
def test_readme_structure_checker_finds_broken_markdown(broken):
    assert structure_problems(broken)


def test_readme_blocks_name_their_language():
    assert {b.info for b in blocks()} <= LANGUAGES
    assert all(b.info for b in blocks())


def test_readme_quick_start_second_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert quick_start()[1] == ci
    assert quick_start()[0].startswith("sh scripts/install.sh") and "rnngrad report" in \
        quick_start()[0]


def test_readme_json_blocks_parse():
    cases = [json.loads(block.text) for block in blocks() if block.info == "json"]
    assert cases and all(isinstance(case, dict) for case in cases)


def test_readme_runs_python_and_shell_blocks():
    """The parametrised runs below are not empty: the README shows code of both kinds."""
    assert len([b for b in blocks() if b.info == "python"]) >= 2
    assert len(_shell_blocks()) >= 3


@pytest.mark.parametrize("index", range(len([b for b in blocks() if b.info == "python"])))
def test_readme_python_block_runs(index, tmp_path):
    code = [b.text for b in blocks() if b.info == "python"][index]
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip()


def _shell_blocks():
    """The sh blocks past the quick start (those two are run by test_install and by CI)."""
    return [b for b in blocks() if b.info == "sh"][2:]


@pytest.mark.parametrize("index", range(len(_shell_blocks())))
def test_readme_shell_block_runs(index, tmp_path):
    for block in blocks():   # the case files and programs it documents, under their names
        name = re.search(r"saved as `([\w.]+\.(json|py))`", _text_before(block))
        if name and block.info == {"json": "json", "py": "python"}[name.group(2)]:
            (tmp_path / name.group(1)).write_text(block.text, encoding="utf-8")
    block = _shell_blocks()[index]
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block.text], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=_env(tmp_path))
    assert done.returncode == 0, (block.text, done.stderr[-2000:])


def _text_before(block):
    lines = README.read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[max(0, block.lines[0] - 3):block.lines[0]])


def _env(tmp_path):
    """PATH starts with an ``rnngrad`` that runs this checkout's code with this interpreter, and
    a ``python3`` that is this interpreter (the one rnngrad and NumPy are installed in)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, args in (("rnngrad", " -m reports"), ("python3", "")):
        launcher = bin_dir / name
        launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}"{args} "$@"\n')
        launcher.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
