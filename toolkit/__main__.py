"""``python -m toolkit``: the same command line as the ``toolkit`` script (``toolkit.cli``)."""
import sys

from toolkit.cli import main

if __name__ == "__main__":
    sys.exit(main())
