"""README.md as CommonMark tokens: its code blocks with their language, and the quick start."""

from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


@dataclass(frozen=True)
class Block:
    """One fenced code block: ``info`` (its language), ``text``, ``lines`` (first, end)."""

    info: str
    text: str
    lines: tuple


def tokens(text=None):
    """The CommonMark block tokens of README.md (or of ``text``)."""
    return MarkdownIt("commonmark").parse(README.read_text(encoding="utf-8") if text is None
                                          else text)


def blocks(text=None):
    """Every fenced code block, in order."""
    return [Block(t.info.strip(), t.content, tuple(t.map)) for t in tokens(text)
            if t.type == "fence"]


def quick_start():
    """The two quick-start commands: the main job, then the tests (the first two sh blocks)."""
    commands = [b.text.strip() for b in blocks() if b.info == "sh"][:2]
    assert len(commands) == 2, "README's quick start must give two sh blocks"
    return commands


def structure_problems(text):
    """What breaks the Markdown of ``text``: '#' lines outside code that are not headings, and
    fences not closed by a bare fence line (text after a closing fence leaves it open)."""
    lines, toks = text.splitlines(), tokens(text)
    inside = {n for t in toks if t.type == "fence" for n in range(*t.map)}
    headings = {t.map[0] for t in toks if t.type == "heading_open"}
    problems = [f"line {n + 1} is not a heading: {line!r}" for n, line in enumerate(lines)
                if line.startswith("#") and n not in inside and n not in headings]
    for fence in (t for t in toks if t.type == "fence"):
        last = lines[fence.map[1] - 1].strip() if fence.map[1] > fence.map[0] + 1 else ""
        if last != fence.markup:
            problems.append(f"the fence opened on line {fence.map[0] + 1} does not close")
    return problems
