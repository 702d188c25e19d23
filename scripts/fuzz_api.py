#!/usr/bin/env python3
"""The API fuzzing of ``tests/api/test_fuzz.py`` run longer and with fresh randomness each time:
--examples per operation and generation mode, for every role, on SQLite (or on DATABASE_URL).
Prints what pytest prints; a failure lists each operation with the curl line that reproduces it.

    .venv/bin/python scripts/fuzz_api.py [--examples 200] [-k admin]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200,
                        help="examples per operation and mode")
    parser.add_argument("-k", dest="keyword", help="only these roles (a pytest -k expression)")
    args = parser.parse_args()
    env = os.environ | {"LABORPASS_FUZZ_EXAMPLES": str(args.examples),
                        "LABORPASS_FUZZ_RANDOM": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "tests/api/test_fuzz.py"]
    if args.keyword:
        command += ["-k", args.keyword]
    started = time.monotonic()
    code = subprocess.call(command, cwd=ROOT, env=env)
    print(f"fuzzed with {args.examples} examples per operation and mode in "
          f"{time.monotonic() - started:.0f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
