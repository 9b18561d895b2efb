"""`python -m sitegen` is the same as the `sitegen` console script: `run`, which imports the CLI only
once it can answer Ctrl-C (pressed while Python is still loading modules) with one line, not a traceback."""

import sys


def run() -> int:
    try:
        from sitegen.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted; nothing written\n")  # the CLI that prints is not loaded yet
        return 130
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
