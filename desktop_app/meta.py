"""The app's identity, from one place: name, id and version (read from package metadata)."""

from importlib import metadata

APP_NAME = "Wan Studio"
APP_ID = "org.wanstudio.WanStudio"
COMMAND = "wan-studio"
DIST_NAME = "wan-studio"


def app_version() -> str:
    """The installed distribution's version; "0+unknown" when run from a bare source tree."""
    try:
        return metadata.version(DIST_NAME)
    except metadata.PackageNotFoundError:
        return "0+unknown"
