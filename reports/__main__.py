"""``python -m reports`` runs the rnngrad command line (``reports.entry``: a Ctrl-C while it
starts up is one line and exit 130, not a traceback)."""

import sys

from reports.entry import main

sys.exit(main())
