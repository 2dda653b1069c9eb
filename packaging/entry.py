"""The frozen app's entry point (PyInstaller): the same as the `wan-studio` command."""

import sys

from desktop_app.cli.main import main

sys.exit(main())
