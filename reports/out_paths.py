"""Output paths checked when the command line is read, before any work: an empty path is
refused (it would silently mean the current folder, or stdout), a folder must not be a file,
a file must not be a folder, and the nearest folder that exists must be a writable folder.
Any other name the file system accepts is fine (spaces, accents, Chinese, newlines); where a
command is printed into a document, ``shell_word`` quotes the path as a shell would read it.

>>> shell_word("out"), shell_word("my notes"), shell_word("r_文")
('out', "'my notes'", "$'r_\\\\u6587'")
"""

import argparse
import os
import shlex
import tempfile
from pathlib import Path


def output_folder(text):
    """argparse type of an output folder (``--out DIR``): ``text`` unchanged, or
    ArgumentTypeError (argparse names the option)."""
    path = _not_empty(text, "an output folder")
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file, not a folder")
    _writable_parent(path, text)
    return text


def output_file(text):
    """argparse type of an output file (``--out FILE``, ``--plot FILE``): ``text`` unchanged,
    or ArgumentTypeError (argparse names the option)."""
    path = _not_empty(text, "an output file")
    if path.is_dir() or text.endswith(os.sep):
        raise argparse.ArgumentTypeError(f"{text} is a folder, not a file")
    _writable_parent(path.parent, text)
    return text


def shell_word(text):
    """``text`` as one shell word, in ASCII so that pdflatex can set it: shlex.quote when it
    is printable ASCII, else bash's $'...' form with \\uXXXX escapes for the rest."""
    if text.isascii() and text.isprintable():
        return shlex.quote(text)
    escaped = []
    for char in text:
        if char.isascii() and char.isprintable():
            escaped.append("\\" + char if char in "\\'" else char)
        else:
            escaped.append(f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
    return "$'" + "".join(escaped) + "'"


def _not_empty(text, what):
    if not text.strip():
        raise argparse.ArgumentTypeError(f"must name {what}, got an empty path {text!r}")
    if "\0" in text:
        raise argparse.ArgumentTypeError(f"{text!r} holds a NUL character, which no path may")
    return Path(text)


def _writable_parent(path, text):
    """The nearest existing folder at or above ``path`` is a folder we may write in."""
    for folder in (path, *path.absolute().parents):
        if folder.exists():
            break
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: {folder} is a file, not a folder")
    try:    # a real file, not access(): that says yes to root everywhere, and knows nothing
        # of /proc or read-only mounts
        handle, probe = tempfile.mkstemp(prefix=".rnngrad-probe-", dir=folder)
    except OSError as err:
        raise argparse.ArgumentTypeError(
            f"{text}: cannot write in {folder} ({err.strerror or err})") from None
    os.close(handle)
    os.unlink(probe)


__all__ = ["output_file", "output_folder", "shell_word"]
