"""numeric: the NumPy layer of rnngrad (lambdify bridge, forward pass, checks, sweeps).

Not yet built: it arrives with the numeric issue.  It will import derive and numpy only.
"""

__all__ = []
