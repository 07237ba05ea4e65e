"""``python -m reports`` runs the rnngrad command line."""

import sys

from reports.cli import main

sys.exit(main())
