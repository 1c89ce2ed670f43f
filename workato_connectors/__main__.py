"""``python -m workato_connectors``: the ``workato-connectors`` command line."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
