"""The captions of 'sec:saturation' state what the figures plot (issue 14, item 9): the regime
map's bands of w that keep the gradient at T = 200, its share of blue cells and its red cells
beyond |w| = 1, and the drive figure's fall per step, each recomputed here by a hand-written
scalar loop h_t = tanh(w h_{t−1} + x_t), ∂h_T/∂h_0 = Π_t w tanh'(a_t), summed in logarithms."""

import math

import numpy as np
import pytest
import sympy as sp

from reports import doc, doc_walk
from reports.notes import Context, saturation
from tests.notes_checks import assert_both_languages

GRID = [-3 + 0.025 * i for i in range(241)]   # the map's w (numpy.linspace(-3, 3, 241))


def hand_row(w, x, T):
    """[log10|∂h_t/∂h_0| for t = 1..T] of h_t = tanh(w h_{t−1} + x), h_0 = 0."""
    h, total, row = 0.0, 0.0, []
    for _ in range(T):
        a = w * h + x
        slope = w * (1 - math.tanh(a) ** 2)
        total += math.log10(abs(slope)) if slope else -math.inf
        row.append(total)
        h = math.tanh(a)
    return row


@pytest.fixture(scope="module")
def section(tmp_path_factory):
    ctx = Context(tmp_path_factory.mktemp("saturation") / "figures")
    ctx.figure_dir.mkdir()
    return saturation.build(ctx)


@pytest.fixture(scope="module")
def plane():
    """The map by hand: {w: row over T = 1..200} at x_t = 0.1."""
    return {w: hand_row(w, 0.1, 200) for w in GRID}


def caption(section, label):
    return next(b.caption for b in section[0].blocks
                if isinstance(b, doc.Figure) and b.label == label)


def numbers_in(parts):
    """Every number printed in the Math parts of ``parts`` (the right side of an equation or
    inequality, or the number itself)."""
    found = []
    for part in doc_walk.inline_parts(parts):
        if isinstance(part, doc.Math):
            expr = part.expr
            value = expr.rhs if isinstance(expr, sp.core.relational.Relational) else expr
            if value.is_number:
                found.append(float(value))
    return found


def printed(value, numbers, digits=3):
    return any(math.isclose(value, n, rel_tol=10 ** -digits, abs_tol=1e-12) for n in numbers)


def test_regime_map_caption_states_the_bands_it_plots(section, plane):
    """At T = 200 only w from −1.025 to −0.975 keeps log10|∂h_T/∂h_0| ≥ −3, by hand; the
    caption prints those ends, the band's best value, w = 1's values at T = 100 and 200 and
    the best positive w; w = +1 is not in any band (the old caption's claim)."""
    parts = caption(section, "fig:regime-map")
    shown = numbers_in(parts)
    end = {w: row[-1] for w, row in plane.items()}
    keep = [w for w in GRID if end[w] >= -3]
    runs = []
    for w in keep:
        if runs and math.isclose(w - runs[-1][-1], 0.025):
            runs[-1].append(w)
        else:
            runs.append([w])
    assert len(runs) == 1 and runs[0][0] == pytest.approx(-1.025) and \
        runs[0][-1] == pytest.approx(-0.975)
    for run in runs:
        assert printed(run[0], shown, 6) and printed(run[-1], shown, 6)
        assert printed(max(end[w] for w in run), shown)
    assert end[1.0] < -3 and not any(r[0] <= 1 <= r[-1] for r in runs)
    assert printed(end[1.0], shown) and printed(plane[1.0][99], shown)
    best = max((w for w in GRID if w > 0), key=end.get)
    assert printed(best, shown, 6) and printed(end[best], shown)
    results = section[1]["saturation_map"]
    assert results["kept_bands_T_end"] == [
        {"w_from": -1.025, "w_to": -0.975, "points": 3, "best": pytest.approx(end[-1.0],
                                                                               rel=1e-9),
         "best_w": -1.0}]
    assert_both_languages(parts, "fig:regime-map caption")


def test_regime_map_caption_colours_by_hand(section, plane):
    """The share of cells below 0 and, beyond |w| = 1, the last T with a cell above 0 and the
    largest value there, all by hand, as printed."""
    parts = caption(section, "fig:regime-map")
    shown = numbers_in(parts)
    cells = [v for row in plane.values() for v in row]
    share = 100 * sum(v < 0 for v in cells) / len(cells)
    beyond = {w: row for w, row in plane.items() if abs(w) > 1 + 1e-9}
    red = [t + 1 for row in beyond.values() for t, v in enumerate(row) if v > 0]
    top = max(v for row in beyond.values() for v in row)
    assert printed(share, shown) and printed(max(red), shown) and printed(top, shown)
    assert max(red) < 200     # so "vanishes in the end" holds: no red beyond |w| = 1 at T = 200
    results = section[1]["saturation_map"]
    assert results["share_below_0"] == pytest.approx(share / 100, abs=1e-12)
    assert results["beyond_1_last_T_above_0"] == max(red)


def test_drive_caption_rates_by_hand(section):
    """The fall per step of each line of "fig:saturation" over T = 100..200, by hand: it
    steepens with every larger drive, as the caption says, and the ends are printed."""
    parts = caption(section, "fig:saturation")
    shown = numbers_in(parts)
    rates = []
    for x in saturation.FIGURE_DRIVES:
        row = hand_row(0.9, x, 200)
        rates.append((row[199] - row[99]) / 100)
    assert all(b < a for a, b in zip(rates[:-1], rates[1:], strict=True))
    assert printed(rates[0], shown) and printed(rates[-1], shown)
    stored = section[1]["saturation_drive_rates"]
    assert list(stored.values()) == pytest.approx(rates, rel=1e-9)
    words = " ".join(p.en for p in doc_walk.inline_parts(parts) if isinstance(p, doc.Text))
    assert "the larger the drive, the steeper the fall" in words
    assert_both_languages(parts, "fig:saturation caption")


def test_kept_bands_of_a_hand_made_row():
    """kept_bands on a row with two runs, NaN and −∞ (never kept)."""
    from reports.notes.saturation_map import kept_bands
    w = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    values = np.array([-1.0, -5.0, np.nan, -2.0, -2.5, -np.inf])
    assert kept_bands(w, values, -3) == [
        {"w_from": 0.0, "w_to": 0.0, "points": 1, "best": -1.0, "best_w": 0.0},
        {"w_from": 0.3, "w_to": 0.4, "points": 2, "best": -2.0, "best_w": 0.3}]


def test_map_paragraph_states_where_the_state_goes(section):
    """w = ±1, x_t = 0.1, h_0 = 0 by hand: h_200 and the last factor w tanh'(a_200) are printed
    (instead of the hand-written 'drives the state into saturation')."""
    para = next(b for b in section[0].blocks if isinstance(b, doc.Para) and any(
        isinstance(p, doc.Text) and "whole plane" in p.en for p in b.parts))
    shown = numbers_in(para.parts)
    for w in (1.0, -1.0):
        h = a = 0.0
        for _ in range(200):
            a = w * h + 0.1
            h = math.tanh(a)
        assert printed(h, shown, 2) and printed(w * (1 - math.tanh(a) ** 2), shown)
    en = " ".join(p.en for p in doc_walk.inline_parts(para.parts) if isinstance(p, doc.Text))
    assert "into saturation" not in en
