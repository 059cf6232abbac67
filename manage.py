#!/usr/bin/env python
"""Django's command-line utility; `caredesk` is the same with a friendlier name."""

import sys

from caredesk.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
