"""Reading a file the user names (a case file, a gradients file): regular files only, at most a
limit of bytes, and JSON that means one thing.

A path that is not a regular file (/dev/zero, /dev/urandom, a FIFO, a directory, a terminal) is
refused before a byte is read: ``os.stat`` first, then the file is opened with ``O_NONBLOCK``
(a FIFO put in its place between the two calls cannot block the open) and the descriptor itself
is checked with ``os.fstat``.  A regular file is read up to ``limit`` + 1 bytes, so a file that
grows while it is read costs at most that much memory.

JSON from a user is refused, with one line naming the file, when it repeats a key
(``{"activation": "tanh", "activation": "relu"}``: which one was meant?), holds NaN or
Infinity, or nests deeper than the parser's recursion allows.

>>> import json, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "case.json"
>>> _ = path.write_text('{"activation": "tanh"}')
>>> load_json(read_limited(path, "case file"), "case file")
{'activation': 'tanh'}
>>> load_json('{"a": 1, "a": 2}', "case file")
Traceback (most recent call last):
ValueError: case file: the key 'a' appears twice; give each key once
"""

import contextlib
import json
import os
import stat

MAX_CASE_BYTES = 10 * 2**20      # a case file or a JSON gradients file
_CHUNK = 2**20
MAX_INT_DIGITS = 400             # an integer literal: float64 ends at 309 digits
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO, a named pipe"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


@contextlib.contextmanager
def open_regular(path, what, limit):
    """A binary file object of the regular file ``path`` of at most ``limit`` bytes (seekable:
    ``zipfile`` and ``numpy.load`` can read it); ValueError naming ``path`` and ``what`` (e.g.
    "case file") when it is missing, unreadable, not a regular file or larger."""
    name = os.fspath(path)
    require_regular(name, what)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise ValueError(_cannot(name, what, err)) from None
    with os.fdopen(fd, "rb", buffering=0) as handle:
        info = _stat(os.fstat, fd, what, name)
        _require_regular(name, what, info)   # the file opened, not the one stat saw
        if info.st_size > limit:
            raise ValueError(_too_large(name, what, limit))
        yield handle


def require_regular(path, what):
    """ValueError (one line naming ``path``) unless ``path`` is a regular file: nothing is
    opened, so a FIFO or a device cannot block or stream."""
    name = os.fspath(path)
    _require_regular(name, what, _stat(os.stat, name, what))


def read_limited(path, what, limit=MAX_CASE_BYTES):
    """The text (UTF-8) of the regular file ``path``, reading at most ``limit`` + 1 bytes;
    ValueError (one line, naming ``path`` and ``what``) otherwise."""
    name = os.fspath(path)
    with open_regular(name, what, limit) as handle:
        chunks, size = [], 0
        while size <= limit:
            try:
                chunk = handle.read(min(_CHUNK, limit + 1 - size))
            except OSError as err:
                raise ValueError(_cannot(name, what, err)) from None
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    if size > limit:   # it grew while being read
        raise ValueError(_too_large(name, what, limit))
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{name}: the {what} is not UTF-8 text (byte {err.start})") from None


def load_json(text, what):
    """The JSON value of ``text``; ValueError (one line, starting with ``what``) for invalid
    JSON, a repeated key, NaN/Infinity, an integer of more than ``MAX_INT_DIGITS`` digits
    (beyond float64; Python's own limit of 4300 digits gave a message about
    sys.set_int_max_str_digits), or nesting too deep for the parser."""
    def refuse(token):
        raise ValueError(f"{what}: contains {token}: numbers must be finite")

    def integer(digits):
        if len(digits.lstrip("-")) > MAX_INT_DIGITS:
            raise ValueError(f"{what}: an integer with {len(digits.lstrip('-')):,} digits; "
                             "numbers must fit in float64 (at most about 1.8e308)")
        return int(digits)

    try:
        return json.loads(text, parse_constant=refuse, parse_int=integer,
                          object_pairs_hook=unique_keys(what))
    except json.JSONDecodeError as err:
        raise ValueError(f"{what}: not valid JSON: {err}") from None
    except RecursionError:
        raise ValueError(f"{what}: nested too deeply (lists or objects inside each other "
                         "hundreds of levels deep)") from None


def unique_keys(what):
    """A ``json`` object_pairs_hook: the dict of the pairs, ValueError when a key repeats."""
    def build(pairs):
        result = dict(pairs)
        if len(result) < len(pairs):
            seen = set()
            repeated = next(key for key, _ in pairs if key in seen or seen.add(key))
            raise ValueError(f"{what}: the key {repeated!r} appears twice; give each key once")
        return result
    return build


def _stat(function, target, what, name=None):
    try:
        return function(target)
    except OSError as err:
        raise ValueError(_cannot(name or target, what, err)) from None


def _require_regular(name, what, info):
    if not stat.S_ISREG(info.st_mode):
        kind = next((label for test, label in _KINDS if test(info.st_mode)), "not a file")
        raise ValueError(f"{name}: not a regular file ({kind}); the {what} must be a file")


def _cannot(name, what, err):
    return f"{name}: cannot read the {what}: {err.strerror or err}"


def _too_large(name, what, limit):
    return f"{name}: the {what} is larger than {limit} bytes ({limit / 2**20:g} MiB)"
