"""reports: documents, PDF builds and the ``rnngrad`` command line (the side-effect edge)."""

__all__ = []
