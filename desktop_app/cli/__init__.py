"""The `wan-studio` command line, over the same engine as the window."""
