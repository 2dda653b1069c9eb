"""P1's first frame: `wan-studio`'s own first step (`app.show_first_frame`: the Qt
application, the window with the draft, painted), then a line, then exit.

    python -m tests.benchmarks.first_frame HOME
"""

import gc
import os
import sys

gc.disable()  # as `wan-studio` does before the window's imports

from desktop_app.qt.import_hook import skip_source_reading  # noqa: E402

skip_source_reading()  # likewise

from desktop_app.app import show_first_frame  # noqa: E402
from desktop_app.cli.parser import build_parser  # noqa: E402


def main() -> None:
    args = build_parser().parse_args(["--home", sys.argv[1]])
    show_first_frame(args, dict(os.environ))
    print("first frame", flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
