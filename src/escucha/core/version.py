"""escucha's version (also `escucha.__version__`), for what records which software wrote it."""

VERSION = "0.1.0"
