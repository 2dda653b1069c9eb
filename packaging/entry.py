"""The frozen app's entry point (PyInstaller): the same as the `wan-studio` command."""

from desktop_app.cli.main import run

run()
