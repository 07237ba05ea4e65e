"""The hand-written LaTeX frame of the report: paper and margins, fonts, float placement,
caption, listing and link styles, the "What you will learn" / "Take-away" boxes, and
settings that make two builds of one source give the same PDF bytes.  A paragraph never
leaves its first line alone at the foot of a page or its last line alone at the top of the
next (club and widow penalties at their maximum).

Only packages of Debian's texlive-latex-base and texlive-latex-recommended are used, and the
fonts are Computer Modern in the OT1 encoding, whose Type 1 outlines ship with texlive-base
(T1 would need cm-super or fall back to bitmap fonts).

Float placement: figures and tables go here, at the top or the bottom of a page ("!htbp"),
and a page of floats alone is made only when the floats fill at least ``FLOAT_PAGE_FRACTION``
of it, so no page carries one small float and nothing else.  Floats stay in their section:
each ``\\section`` first puts out the floats still waiting (``\\FloatBarrier``, after the
placeins package, which texlive-latex-base/recommended lack): it ends the page, so that they
go to the top of the next one, above the heading, and only when they do not all fit there
makes pages of floats (a page holding one small float would be left mostly empty); and the
renderer forbids a float of a section at the top of the page where it starts, above its
heading."""

import re

PAPERS = {"a4": "a4paper", "letter": "letterpaper"}
PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
MARGIN_MM = 22.0
FLOAT_PAGE_FRACTION = 0.8


def text_width_in(paper):
    """The text width in inches: the paper's width less two margins (A4: 6.54 in).

    >>> round(text_width_in("a4"), 3), round(text_width_in("letter"), 3)
    (6.535, 6.768)
    """
    return (PAPER_MM[paper][0] - 2 * MARGIN_MM) / 25.4


FIGURE_MAX_WIDTH_IN = min(text_width_in(paper) for paper in PAPERS)

HEAD = r"""\documentclass[11pt]{article}
\usepackage[@PAPER@,margin=@MARGIN@mm]{geometry}
\usepackage{amsmath,amssymb,graphicx,booktabs,array,longtable}
\usepackage{xcolor}
\definecolor{muted}{gray}{0.5}
\usepackage[font=small,labelfont=bf,skip=5pt]{caption}
\usepackage{listings}
\usepackage{microtype}
\usepackage[colorlinks=true,linkcolor=blue!50!black,citecolor=blue!50!black,
  urlcolor=blue!50!black,pdfcreator={rnngrad}]{hyperref}
\urlstyle{same}
\makeatletter
\newif\iffloatswaiting
\newcommand{\checkfloats}{\let\@elt\relax\edef\@tempa{\@botlist\@deferlist\@dbldeferlist}%
  \ifx\@tempa\@empty\floatswaitingfalse\else\floatswaitingtrue\fi}
\newcommand{\FloatBarrier}{\par\begingroup\checkfloats\iffloatswaiting\newpage
  \checkfloats\iffloatswaiting\clearpage\fi\fi\endgroup}
\makeatother
\let\floatlessSection\section
\renewcommand{\section}{\FloatBarrier\floatlessSection}
\pdfinfoomitdate=1 \pdftrailerid{} \pdfsuppressptexinfo=-1
\allowdisplaybreaks
\clubpenalty=10000 \widowpenalty=10000 \displaywidowpenalty=10000
\emergencystretch=2em
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5\baselineskip plus 2pt minus 1pt}
\renewcommand{\topfraction}{0.85}\renewcommand{\bottomfraction}{0.6}
\renewcommand{\textfraction}{0.1}\renewcommand{\floatpagefraction}{@FLOATPAGE@}
\setcounter{topnumber}{3}\setcounter{bottomnumber}{2}\setcounter{totalnumber}{4}
\lstdefinestyle{plain}{basicstyle=\ttfamily\footnotesize,columns=fullflexible,
  keepspaces=true,breaklines=true,breakatwhitespace=false,showstringspaces=false,
  postbreak=\mbox{\textcolor{muted}{$\hookrightarrow$}\space},xleftmargin=1em,
  aboveskip=0.5\baselineskip,belowskip=0.5\baselineskip}
\lstdefinestyle{numbered}{style=plain,basicstyle=\ttfamily\footnotesize,numbers=left,
  numberstyle=\scriptsize\color{black!60},numbersep=5pt,xleftmargin=1.6em,
  keywordstyle=\color{blue!55!black},commentstyle=\color{green!35!black},
  stringstyle=\color{red!45!black},frame=tb,framerule=0.4pt,captionpos=t}
\renewcommand{\lstlistingname}{Listing}
\newsavebox{\fitbox}
\newcommand{\fitdisplay}[1]{\sbox{\fitbox}{$\displaystyle #1$}%
  \ifdim\wd\fitbox>\linewidth\resizebox{\linewidth}{!}{\usebox{\fitbox}}%
  \else\usebox{\fitbox}\fi}
\newcommand{\fitwidth}[1]{\sbox{\fitbox}{#1}%
  \ifdim\wd\fitbox>\linewidth\resizebox{\linewidth}{!}{\usebox{\fitbox}}%
  \else\usebox{\fitbox}\fi}
\newcommand{\notebox}[3]{\par\smallskip\noindent\colorbox{#1}{\parbox{%
  \dimexpr\linewidth-2\fboxsep\relax}{\textbf{#2.}\enspace #3}}\par\smallskip}
\newcommand{\learnbox}[1]{\notebox{blue!7}{What you will learn}{#1}}
\newcommand{\takeawaybox}[1]{\notebox{black!8}{Take-away}{#1}}
\hypersetup{pdftitle={@TITLE@},pdfauthor={rnngrad}}
\title{@TITLE@}
\author{rnngrad}
\date{}
\begin{document}
\maketitle
\begin{abstract}
@SUBTITLE@
\end{abstract}
{\setlength{\parskip}{0pt}\tableofcontents}
"""


def head(paper, title, subtitle):
    """The preamble and the title matter; ``title`` and ``subtitle`` are TeX already."""
    values = {"PAPER": PAPERS[paper], "MARGIN": f"{MARGIN_MM:g}",
              "FLOATPAGE": f"{FLOAT_PAGE_FRACTION:g}", "TITLE": title, "SUBTITLE": subtitle}
    return re.sub(r"@([A-Z]+)@", lambda match: values[match.group(1)], HEAD)


__all__ = ["FIGURE_MAX_WIDTH_IN", "FLOAT_PAGE_FRACTION", "MARGIN_MM", "PAPERS", "PAPER_MM",
           "head", "text_width_in"]
