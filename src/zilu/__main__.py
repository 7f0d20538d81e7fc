"""``python -m zilu`` is the ``zilu`` command."""

import sys

from zilu.cli import main

sys.exit(main())
