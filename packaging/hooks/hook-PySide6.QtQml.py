# Replaces PyInstaller's own hook for PySide6.QtQml, which bundles every QML module of the
# installation (Qt Quick Controls, 3D, WebEngine and their libraries). Wan Studio uses the
# QML engine only to have Qt make its media players (desktop_app/qt/media_objects.py):
# it needs the QtMultimedia module alone; its plugin's libraries are found from it.
from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies, pyside6_library_info

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
_location = pyside6_library_info.location
_qml = Path(_location.get("QmlImportsPath") or _location["Qml2ImportsPath"]).resolve()
_module = _qml / "QtMultimedia"
_dest = str(Path(pyside6_library_info.qt_rel_dir) / "qml" / "QtMultimedia")
for _file in sorted(_module.iterdir()):
    if _file.is_file():
        (binaries if _file.suffix in (".so", ".dll", ".dylib") else datas).append(
            (str(_file), _dest)
        )
