"""`python -m escucha` runs the CLI."""

import sys

from escucha.cli import main

sys.exit(main())
