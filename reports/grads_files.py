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
import zipfile
from pathlib import Path

import numpy as np

import numeric
from reports import case_files

MAX_JSON_BYTES = case_files.MAX_CASE_BYTES      # the same limit as the case file's
MAX_NPZ_BYTES = 512 * 2**20          # the arrays of an .npz, uncompressed, all together
FORMATS = (".json", ".npz")
FLOAT_DTYPES = ("float16", "float32", "float64")
WHAT = "gradients file"


def read_grads(path):
    """The arrays of the gradients file ``path``: {name: ndarray}, in the file's order."""
    path = os.fspath(path)           # messages name the file as it was given
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        case_files.require_regular(path, WHAT)     # a missing file or a FIFO is named as such first
        got = repr(suffix) if suffix else "no suffix"
        raise ValueError(f"{path}: a gradients file must end in .json (an object name -> "
                         f"number or nested lists) or .npz (numpy.savez), got {got}")
    arrays = _read_json(path) if suffix == ".json" else _read_npz(path)
    if not arrays:
        raise ValueError(f"{path}: holds no gradient (an empty object or archive)")
    for name, value in arrays.items():
        _require_finite(path, name, value)
    return arrays


def _read_json(path):
    data = case_files.load_json(case_files.read_limited(path, WHAT, MAX_JSON_BYTES), path)
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

    levels = numeric.nesting(value)     # counted without recursion
    if levels > 2:
        raise ValueError(f"{path}: {name!r} must be a number, a vector or a matrix (at most 2 "
                         f"levels of lists), got {levels} levels")
    walk(value)
    try:
        with np.errstate(over="raise"):
            return np.array(value, dtype=np.float64)
    except (ValueError, FloatingPointError, OverflowError):
        raise ValueError(f"{path}: {name!r} is not a regular array (rows of different lengths, "
                         "or a number beyond float64)") from None


def _read_npz(path):
    """The arrays of an .npz read from one descriptor of a regular file (``open_regular``):
    the archive's directory first, to refuse more than MAX_NPZ_BYTES of arrays unread."""
    arrays = {}
    with case_files.open_regular(path, WHAT, MAX_NPZ_BYTES) as handle:
        try:
            with zipfile.ZipFile(handle) as archive:
                total = sum(info.file_size for info in archive.infolist())
        except (OSError, zipfile.BadZipFile) as err:
            raise ValueError(f"{path}: not an .npz archive (numpy.savez): {err}") from None
        if total > MAX_NPZ_BYTES:
            raise ValueError(f"{path}: its arrays take {total} bytes, more than {MAX_NPZ_BYTES}")
        handle.seek(0)
        try:
            with np.load(handle, allow_pickle=False) as archive:
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
