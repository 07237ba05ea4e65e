"""A ``reports.doc.Table`` as LaTeX: a floating booktabs table shrunk to the text width when
it is wider, or, when it has more than ``LONG_ROWS`` rows, a longtable that breaks across
pages and repeats its header.  A column with a width (a fraction of the text width) wraps
its text, ragged."""

LONG_ROWS = 25
RAGGED = {"l": "\\raggedright", "c": "\\centering", "r": "\\raggedleft"}


def column_spec(align, widths):
    """The tabular preamble: ``align`` letters; a column with a width becomes a wrapped
    paragraph column whose width, padding included, is that fraction of the line.

    >>> column_spec("lr", (0.5, None))
    '>{\\\\raggedright\\\\arraybackslash}p{\\\\dimexpr0.5\\\\linewidth-2\\\\tabcolsep\\\\relax}r'
    """
    spec = []
    for letter, share in zip(align, widths or (None,) * len(align), strict=True):
        if letter not in RAGGED:
            raise ValueError(f"table column alignment {letter!r}: use l, c or r")
        if share:
            spec.append(f">{{{RAGGED[letter]}\\arraybackslash}}"
                        f"p{{\\dimexpr{share:g}\\linewidth-2\\tabcolsep\\relax}}")
        else:
            spec.append(letter)
    return "".join(spec)


def table(block, inline, caption):
    """LaTeX for ``block``; ``inline`` renders a cell, ``caption`` is the caption command."""
    columns = len(block.header)
    for row in block.rows:
        if len(row) != columns:
            raise ValueError(f"table {block.label}: a row has {len(row)} cells, the header "
                             f"{columns}")
    spec = column_spec(block.align or "l" * columns, block.widths)
    header = " & ".join(inline(cell) for cell in block.header) + r" \\"
    rows = "\n".join(" & ".join(inline(cell) for cell in row) + r" \\" for row in block.rows)
    if len(block.rows) > LONG_ROWS:
        return _long(block.label, spec, columns, header, rows, caption)
    return ("\\begin{table}[!htbp]\\centering\n" + caption + "\n"
            f"\\fitwidth{{\\begin{{tabular}}{{{spec}}}\\toprule\n{header} \\midrule\n"
            f"{rows}\n\\bottomrule\\end{{tabular}}}}\n\\end{{table}}\n")


def _long(label, spec, columns, header, rows, caption):
    counter, caption = caption.split("\\caption", 1)   # longtable: \caption opens a row
    more = f"\\multicolumn{{{columns}}}{{@{{}}l}}{{\\small\\emph{{(continued)}}}}"
    return (f"{counter}\\begin{{longtable}}{{{spec}}}\n\\caption{caption} \\\\\n"
            f"\\toprule\n{header} \\midrule\n\\endfirsthead\n"
            f"{more} \\\\\n\\toprule\n{header} \\midrule\n\\endhead\n"
            f"\\midrule\n{more.replace('(continued)', '(continued on the next page)')} \\\\\n"
            "\\endfoot\n\\bottomrule\n\\endlastfoot\n" + rows + "\n\\end{longtable}\n")


__all__ = ["LONG_ROWS", "column_spec", "table"]
