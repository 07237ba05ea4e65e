"""reports.case_files: only regular files are opened, at most limit + 1 bytes are read, and
JSON that repeats a key, holds NaN or nests past the parser is refused in one line."""

import contextlib
import json
import os
import threading

import numpy as np
import pytest

from reports import case_files, grads_files
from reports.case_files import load_json, open_regular, read_limited
from tests.check_cases import assert_bad_input, run


def _one_line(err):
    text = str(err)
    assert "\n" not in text, text
    return text


def test_read_limited_reads_a_regular_file_exactly(tmp_path):
    path = tmp_path / "case.json"
    text = '{"activation": "tanh", "note": "\u00e9t\u00e9"}'
    path.write_bytes(text.encode("utf-8"))
    assert read_limited(path, "case file", limit=len(text.encode("utf-8"))) == text


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_read_limited_refuses_devices(device):
    with pytest.raises(ValueError) as info:
        read_limited(device, "case file")
    message = _one_line(info.value)
    assert message.startswith(f"{device}: not a regular file (a character device)"), message


def test_read_limited_refuses_a_directory(tmp_path):
    with pytest.raises(ValueError, match="not a regular file \\(a directory\\)"):
        read_limited(tmp_path, "case file")


def _finishes(call, seconds=20):
    """What ``call`` raised, from a thread: a call that blocks fails the test, not the run."""
    outcome = {}

    def target():
        try:
            call()
        except ValueError as err:
            outcome["error"] = err

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "blocked on the FIFO"
    return outcome.get("error")


def test_read_limited_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    error = _finishes(lambda: read_limited(fifo, "case file"))
    assert "not a regular file (a FIFO" in _one_line(error)


def test_open_regular_checks_the_descriptor_a_fifo_swapped_in_after_stat(tmp_path, monkeypatch):
    """Between os.stat and open the path can become a FIFO: the open must not block (no
    writer), and fstat of the descriptor must refuse it."""
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    monkeypatch.setattr(case_files, "require_regular", lambda path, what: None)

    def call():
        with open_regular(fifo, "case file", 100):
            pass

    assert "not a regular file (a FIFO" in _one_line(_finishes(call))


def test_read_limited_refuses_past_the_limit_and_accepts_at_it(tmp_path):
    path = tmp_path / "case.json"
    path.write_bytes(b" " * 101)
    with pytest.raises(ValueError, match="case.json: the case file is larger than 100 bytes"):
        read_limited(path, "case file", limit=100)
    assert read_limited(path, "case file", limit=101) == " " * 101


def test_read_limited_reads_at_most_limit_plus_one_bytes(tmp_path, monkeypatch):
    """A file whose size grows after fstat (here: fstat reports 10 bytes of 4096) is read
    only to limit + 1 bytes, then refused."""
    path = tmp_path / "case.json"
    path.write_bytes(b"1" * 4096)
    true_fstat, asked = os.fstat, []
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result(
        (*true_fstat(fd)[:6], 10, *true_fstat(fd)[7:])))
    real_open = case_files.open_regular

    class Counting:
        def __init__(self, handle):
            self.handle = handle

        def read(self, size):
            asked.append(size)
            return self.handle.read(size)

    @contextlib.contextmanager
    def counting_open(path, what, limit):
        with real_open(path, what, limit) as handle:
            yield Counting(handle)

    monkeypatch.setattr(case_files, "open_regular", counting_open)
    with pytest.raises(ValueError, match="larger than 100 bytes"):
        read_limited(path, "case file", limit=100)
    assert sum(asked) == 101


def test_read_limited_refuses_bytes_that_are_not_utf8(tmp_path):
    path = tmp_path / "case.json"
    path.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(ValueError, match="case.json: the case file is not UTF-8 text"):
        read_limited(path, "case file")


def test_read_limited_missing_file_names_it(tmp_path):
    with pytest.raises(ValueError) as info:
        read_limited(tmp_path / "missing.json", "case file")
    assert "missing.json: cannot read the case file: No such file" in _one_line(info.value)


@pytest.mark.parametrize("text,key", [
    ('{"activation": "tanh", "activation": "relu"}', "activation"),
    ('{"a": {"b": 1, "b": 1}}', "b"),          # even when both say the same
    ('[{"x": 1}, {"y": 2, "y": 3}]', "y"),
])
def test_load_json_refuses_a_repeated_key(text, key):
    with pytest.raises(ValueError) as info:
        load_json(text, "case.json")
    assert _one_line(info.value) == f"case.json: the key {key!r} appears twice; give each " \
        "key once"


def test_load_json_keeps_order_and_values():
    text = '{"b": [1, 2.5], "a": {"c": null}}'
    assert list(load_json(text, "f").items()) == list(json.loads(text).items())


@pytest.mark.parametrize("text,words", [
    pytest.param('{"a": NaN}', "contains NaN", id="nan"),
    pytest.param('{"a": -Infinity}', "contains -Infinity", id="infinity"),
    pytest.param("[1, 2", "not valid JSON", id="unfinished"),
    pytest.param("[" * 100000, "nested too deeply", id="deep-array"),
    pytest.param('{"a": ' * 100000, "nested too deeply", id="deep-object"),
])
def test_load_json_refuses_in_one_line(text, words):
    with pytest.raises(ValueError) as info:
        load_json(text, "case.json")
    message = _one_line(info.value)
    assert message.startswith("case.json: ") and words in message


def test_gradients_json_with_a_repeated_name_is_refused(tmp_path):
    path = tmp_path / "g.json"
    path.write_text('{"b_h": [1.0], "b_h": [2.0]}', encoding="utf-8")
    with pytest.raises(ValueError, match="'b_h' appears twice"):
        grads_files.read_grads(path)


def test_gradients_npz_read_from_a_regular_file_only(tmp_path):
    path = tmp_path / "g.npz"
    np.savez(path, b_h=np.array([0.5, -1.0], dtype=np.float32))
    arrays = grads_files.read_grads(path)
    assert arrays["b_h"].dtype == np.float32 and arrays["b_h"].tolist() == [0.5, -1.0]
    fifo = tmp_path / "f.npz"
    os.mkfifo(fifo)
    error = _finishes(lambda: grads_files.read_grads(fifo))
    assert "not a regular file (a FIFO" in _one_line(error)


def test_gradients_npz_larger_than_its_limit_is_refused_unread(tmp_path, monkeypatch):
    path = tmp_path / "g.npz"
    np.savez(path, b_h=np.zeros(1000))
    monkeypatch.setattr(grads_files, "MAX_NPZ_BYTES", 100)
    with pytest.raises(ValueError, match="g.npz: the gradients file is larger than 100 bytes"):
        grads_files.read_grads(path)


def test_check_cli_refuses_a_file_past_10_mib_by_its_size(capsys, tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as out:       # sparse: 11 MiB of zero bytes, nothing written
        out.truncate(11 * 2**20)
    status, out, err = run(capsys, "check", str(path))
    assert_bad_input(status, out, err)
    assert f"big.json: the case file is larger than {10 * 2**20} bytes (10 MiB)" in err


def test_check_cli_refuses_dev_zero_unread(capsys):
    status, out, err = run(capsys, "check", "/dev/zero")
    assert_bad_input(status, out, err)
    assert "/dev/zero: not a regular file (a character device)" in err


def test_gradients_json_nested_deeper_than_a_matrix_names_levels(tmp_path):
    value = 0.5
    for _ in range(100):    # past NumPy's 64 dimensions: was "not a regular array"
        value = [value]
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"W_hh": value}), encoding="utf-8")
    with pytest.raises(ValueError) as info:
        grads_files.read_grads(path)
    assert _one_line(info.value) == (f"{path}: 'W_hh' must be a number, a vector or a matrix "
                                     "(at most 2 levels of lists), got 100 levels")
