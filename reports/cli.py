"""The ``rnngrad`` command line (argparse).  Subcommands arrive with their issues."""

import argparse
import sys


def build_parser():
    parser = argparse.ArgumentParser(prog="rnngrad", description=__doc__)
    parser.add_subparsers(dest="command", required=True)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return 0 if args else 2


if __name__ == "__main__":
    sys.exit(main())
