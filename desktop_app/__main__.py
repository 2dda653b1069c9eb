"""`python -m desktop_app`: the same entry point as the `wan-studio` command."""

from desktop_app.cli.main import run

run()
