"""hipnav's command line: a thin layer over the library.

Each sub-command lives in its own module of this package with two functions:
``register(subparsers)`` adds its parser (argparse only, so start-up stays fast) and
``run(args) -> int`` does the work, importing anything heavy inside the call.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: Sub-commands, in the order ``hipnav --help`` lists them.
COMMANDS = ("assess", "interview", "explain", "extract", "eval", "kb", "serve", "report", "clinic")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hipnav",
        description="Hip pain navigator: likely causes, red flags and what the research says. "
        "It informs care; it does not replace a clinician.",
    )
    from hipnav import __version__

    parser.add_argument("--version", action="version", version=f"hipnav {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"hipnav.cli.{name}")
        except ModuleNotFoundError as exc:  # a sub-command whose module is not written yet
            if exc.name == f"hipnav.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `hipnav assess ... | head`: the reader went away; nothing is lost.
        sys.stderr.close()
        return 0
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
