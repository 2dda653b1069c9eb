"""The app's identity, from one place: name, id and version.

The version is written here, and `pyproject.toml` reads it (setuptools' `attr:`): reading
the installed package's metadata instead imports `importlib.metadata`, email parsing and
zip files, ~20 ms of every start (#19), and a frozen build has no metadata to read."""

APP_NAME = "Wan Studio"
APP_ID = "org.wanstudio.WanStudio"
COMMAND = "wan-studio"
DIST_NAME = "wan-studio"
VERSION = "0.1.0"
