"""Shared fixtures: seeded randomness and the activation registry."""

import random

import pytest

import derive


@pytest.fixture
def rng():
    """A seeded random.Random, so every test draws the same numbers on every run."""
    return random.Random(20261123)


ACTIVATIONS = derive.activation_names()


def mp_values(matrix, values=None, dps=50):
    """Entries of a SymPy matrix evaluated in mpmath at ``dps`` digits, shared subexpressions
    computed once (lambdify with cse); ``values`` maps the free symbols to numbers."""
    import mpmath
    import sympy as sp

    values = values or {}
    symbols = sorted(values, key=str)
    function = sp.lambdify(symbols, list(matrix), modules="mpmath", cse=True)
    with mpmath.workdps(dps):
        return function(*[mpmath.mpf(sp.Rational(values[s]).p) / sp.Rational(values[s]).q
                          for s in symbols])


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One ``rnngrad report`` run for the whole session (the report tests share it): report.pdf,
    report.html, report.tex, report.log (TeX's log), results.json and figures/."""
    out = tmp_path_factory.mktemp("report")
    from reports.cli import main

    assert main(["report", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def notes_document(tmp_path_factory):
    """The whole notes, ``reports.notes.document``, built once for the session:
    (document, results, ctx), every figure drawn into ctx.figure_dir."""
    from reports import notes

    figure_dir = tmp_path_factory.mktemp("notes-document") / "figures"
    figure_dir.mkdir()
    ctx = notes.Context(figure_dir)
    document, results = notes.document(ctx)
    return document, results, ctx


def section(tex, title):
    """The LaTeX of the section whose title starts with ``title``."""
    start = tex.index("\\section{" + title)
    end = tex.find("\\section{", start + 1)
    return tex[start:end if end > 0 else len(tex)]

@pytest.fixture(scope="session")
def gated_notes(tmp_path_factory):
    """The gated-cells section built once for its two test modules: (folder, ctx, section,
    results["gated_cells"])."""
    from reports.notes import Context, gated

    folder = tmp_path_factory.mktemp("gated")
    ctx = Context(folder / "figures")
    ctx.figure_dir.mkdir()
    section, results = gated.build(ctx)
    return folder, ctx, section, results["gated_cells"]


@pytest.fixture(scope="session")
def vector_notes(tmp_path_factory):
    """The sections 'sec:vector', 'sec:saturation' and 'sec:relu' built once for their test
    modules: (folder, ctx, {label: section}, results)."""
    from reports.notes import Context, relu, saturation, vector

    folder = tmp_path_factory.mktemp("notes")
    ctx = Context(folder / "figures")
    sections, results = {}, {}
    for module in (vector, saturation, relu):
        section, numbers = module.build(ctx)
        sections[module.LABEL] = section
        assert not set(numbers) & set(results)
        results.update(numbers)
    return folder, ctx, sections, results
