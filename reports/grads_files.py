"""Reading a gradients file of ``rnngrad check CASE.json --grads G``: a dict name → ndarray.

Two formats, told apart by the file's suffix:

* ``.json``: one object, each name mapped to a number or to nested lists of numbers (a matrix is
  a list of rows), read as float64;
* ``.npz`` (``numpy.savez``): one array per name, read with ``allow_pickle=False`` and kept in
  its own dtype (float16, float32 or float64; integers become float64), so that a float32
  gradient is judged against float32's rounding.

Which names and shapes are right is the checker's business (``numeric.check_gradients``); this
module refuses only what is not a set of finite real arrays, each with a one-line ValueError
that names the file.

>>> import json, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "g.json"
>>> _ = path.write_text(json.dumps({"b_h": [0.5, -1], "loss": 2}))
>>> {k: (v.shape, str(v.dtype)) for k, v in read_grads(path).items()}
{'b_h': ((2,), 'float64'), 'loss': ((), 'float64')}
"""

import json
import os
import stat
import zipfile
from pathlib import Path

import numpy as np

MAX_JSON_BYTES = 10 * 2**20          # the same limit as the case file's
MAX_NPZ_BYTES = 512 * 2**20          # the arrays of an .npz, uncompressed, all together
FORMATS = (".json", ".npz")
FLOAT_DTYPES = ("float16", "float32", "float64")


def read_grads(path):
    """The arrays of the gradients file ``path``: {name: ndarray}, in the file's order."""
    path = os.fspath(path)           # messages name the file as it was given
    suffix = Path(path).suffix.lower()
    size = _regular_file_size(path)
    if suffix not in FORMATS:
        got = repr(suffix) if suffix else "no suffix"
        raise ValueError(f"{path}: a gradients file must end in .json (an object name -> "
                         f"number or nested lists) or .npz (numpy.savez), got {got}")
    if suffix == ".json":
        if size > MAX_JSON_BYTES:
            raise ValueError(f"{path}: larger than {MAX_JSON_BYTES} bytes")
        arrays = _read_json(path)
    else:
        arrays = _read_npz(path)
    if not arrays:
        raise ValueError(f"{path}: holds no gradient (an empty object or archive)")
    for name, value in arrays.items():
        _require_finite(path, name, value)
    return arrays


def _regular_file_size(path):
    try:
        info = os.stat(path)
    except OSError as err:
        raise ValueError(f"{path}: cannot read the gradients file: {err.strerror or err}") \
            from None
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{path}: not a regular file (a gradients file must be a .json or "
                         ".npz file)")
    return info.st_size


def _read_json(path):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: cannot read the gradients file: {err}") from None

    def refuse(token):
        raise ValueError(f"{path}: contains {token}: numbers must be finite")

    def unique(pairs):
        names = [name for name, _ in pairs]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"{path}: the name {repeated[0]!r} appears twice")
        return dict(pairs)

    try:
        data = json.loads(text, parse_constant=refuse, object_pairs_hook=unique)
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not valid JSON: {err}") from None
    except RecursionError:
        raise ValueError(f"{path}: nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: must hold one JSON object (name -> number or nested lists), "
                         f"got a {type(data).__name__}")
    return {name: _json_array(path, name, value) for name, value in data.items()}


def _json_array(path, name, value):
    """A float64 array from a number or nested lists; refuses booleans, strings, null, ragged."""
    def walk(item):
        if isinstance(item, list):
            for entry in item:
                walk(entry)
        elif isinstance(item, bool) or not isinstance(item, (int, float)):
            shown = json.dumps(item) if not isinstance(item, dict) else "an object"
            raise ValueError(f"{path}: {name!r} must be a number or nested lists of numbers, "
                             f"found {shown[:40]}")

    try:
        walk(value)
    except RecursionError:
        raise ValueError(f"{path}: {name!r} is nested too deeply") from None
    try:
        with np.errstate(over="raise"):
            return np.array(value, dtype=np.float64)
    except (ValueError, FloatingPointError, OverflowError):
        raise ValueError(f"{path}: {name!r} is not a regular array (rows of different lengths, "
                         "or a number beyond float64)") from None


def _read_npz(path):
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (OSError, zipfile.BadZipFile) as err:
        raise ValueError(f"{path}: not an .npz archive (numpy.savez): {err}") from None
    if total > MAX_NPZ_BYTES:
        raise ValueError(f"{path}: its arrays take {total} bytes, more than {MAX_NPZ_BYTES}")
    arrays = {}
    try:
        with np.load(path, allow_pickle=False) as archive:
            for name in archive.files:
                arrays[name] = _npz_array(path, name, archive[name])
    except (OSError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(f"{path}: not a readable .npz archive: {err}") from None
    except ValueError as err:
        message = str(err).splitlines()[0] if str(err) else "unreadable array"
        if message.startswith(path):
            raise
        raise ValueError(f"{path}: {message}") from None
    return arrays


def _npz_array(path, name, value):
    if value.dtype.kind in "iu":
        return value.astype(np.float64)
    if value.dtype.kind != "f" or value.dtype.name not in FLOAT_DTYPES:
        raise ValueError(f"{path}: {name!r} has dtype {value.dtype.name}; gradients must be "
                         f"real floating point ({', '.join(FLOAT_DTYPES)})")
    return value


def _require_finite(path, name, value):
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(value)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        what = "NaN" if np.isnan(value[index]) else "an infinity"
        where = f" at index {list(index)}" if index else ""
        raise ValueError(f"{path}: {name!r} holds {what}{where}: gradients must be finite")
