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
def report_run(tmp_path_factory):
    """The session's one real ``rnngrad report`` (default options, so its command line is
    plain ``rnngrad report``), every section recorded (tests/report_cache.py): ``.out`` the
    folder, ``.document``/``.results``/``.ctx`` what ``notes.document`` returned,
    ``.replaying()`` a context in which the sections replay their records."""
    from tests.report_cache import run_recorded

    folder = tmp_path_factory.mktemp("report")
    return run_recorded(folder / "out", folder / "recorded-figures")


@pytest.fixture(scope="session")
def built(report_run):
    """The session's ``rnngrad report`` folder (the report tests share it): report.pdf,
    report.html, report.tex, report.log (TeX's log), results.json and figures/."""
    return report_run.out


@pytest.fixture(scope="session")
def notes_document(report_run):
    """The whole notes, ``reports.notes.document``, as the session's ``rnngrad report`` built
    them: (document, results, ctx), every figure drawn into ctx.figure_dir."""
    return report_run.document, report_run.results, report_run.ctx


@pytest.fixture
def replayed_sections(report_run):
    """Within the test every section but the reproducibility appendix replays the session's
    build of it (figures copied, numbers returned) instead of computing it again."""
    with report_run.replaying():
        yield


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
