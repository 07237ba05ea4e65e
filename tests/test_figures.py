"""reports.figures: produced, non-empty, byte-identical across runs."""

from pathlib import Path

from reports.figures import write_all


def test_figures_written_and_deterministic(tmp_path):
    first = write_all(tmp_path / "a")
    second = write_all(tmp_path / "b")
    assert len(first) == 8
    assert sorted(Path(p).name for p in first) == sorted(
        f"{stem}.{ext}" for stem in ("gradient_vs_T", "regime_map", "gain_sweep", "saturation")
        for ext in ("png", "pdf"))
    for one, two in zip(first, second, strict=True):
        data = Path(one).read_bytes()
        assert len(data) > 10_000
        assert data[:4] in (b"\x89PNG", b"%PDF")
        assert data == Path(two).read_bytes()
