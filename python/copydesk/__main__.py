"""``python -m copydesk``: the command-line interface."""

from copydesk.cli import main

raise SystemExit(main())
