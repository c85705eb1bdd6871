"""The long fuzz of the MT940 parser (issue 16): the same rule as the fuzz test
in the suite (tests/core/mt940/test_fuzz.py), over far more inputs than a CI
run can afford.

Every input is read in the parser's three modes (strict, tolerant with
warnings, check mode collecting problems); the only allowed outcomes are
statements or the parser's own error naming line and field. Inputs are the
good samples mutated (a slice replaced by random bytes or an MT940 token),
token soups and random bytes, from a seeded generator so that a failure can be
replayed with the same --seed.

    .venv/bin/python tests/bench/mt940_fuzz_long.py [--inputs 100000] [--seed 1]

Ends with one line: ``RESULT name=mt940_fuzz_long inputs=... seconds=...
inputs_per_s=... errors_named=... statements=... crashes=0``; exits 1 on the
first input that breaks the rule, after writing it to var/fuzz-crash-<seed>.sta.
"""

import argparse
import random
import sys
import time
import types
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
for _addon in ("bank_api_sync", "bank_api_sync_mt940"):
    if _addon not in sys.modules:
        _package = types.ModuleType(_addon)
        _package.__path__ = [str(REPO_ROOT / _addon)]
        sys.modules[_addon] = _package
sys.path.insert(0, str(REPO_ROOT))

from bank_api_sync_mt940.core.errors import Mt940Error  # noqa: E402
from bank_api_sync_mt940.core.parser import parse_file  # noqa: E402
from tests.core.mt940.test_fuzz import GOOD_SAMPLES, TOKENS  # noqa: E402


def one_input(rng):
    kind = rng.random()
    if kind < 0.7:
        original = rng.choice(GOOD_SAMPLES)
        start = rng.randint(0, len(original))
        end = rng.randint(start, min(len(original), start + 40))
        if rng.random() < 0.5:
            inserted = rng.choice(TOKENS)
        else:
            inserted = rng.randbytes(rng.randint(0, 20))
        return original[:start] + inserted + original[end:]
    if kind < 0.9:
        return b"".join(
            rng.choice(TOKENS)
            if rng.random() < 0.7
            else rng.randbytes(rng.randint(0, 8))
            for _ in range(rng.randint(0, 60))
        )
    return rng.randbytes(rng.randint(0, 300))


def outcome(data):
    """'statements' or 'error'; raises AssertionError when the rule breaks."""
    result = None
    for options in ({}, {"warnings": []}, {"warnings": [], "problems": []}):
        try:
            statements = parse_file(data, **options)
        except Mt940Error as error:
            prefix = f"line {error.line}, field {error.field}: "
            if error.line < 1 or not error.field or not str(error).startswith(prefix):
                raise AssertionError(f"badly named error: {error!r}") from error
            result = result or "error"
        else:
            if not isinstance(statements, list):
                raise AssertionError(f"not a list: {type(statements)}")
            result = result or "statements"
        for item in [*options.get("warnings", ()), *options.get("problems", ())]:
            if item.line < 1 or not item.field:
                raise AssertionError(f"warning or problem without place: {item!r}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counts = {"statements": 0, "error": 0}
    started = time.perf_counter()
    for number in range(1, args.inputs + 1):
        data = one_input(rng)
        try:
            counts[outcome(data)] += 1
        except Exception as crash:
            crash_file = REPO_ROOT / "var" / f"fuzz-crash-{args.seed}.sta"
            crash_file.parent.mkdir(parents=True, exist_ok=True)
            crash_file.write_bytes(data)
            print(f"input {number}: {type(crash).__name__}: {crash}")
            print(f"written to {crash_file}")
            print(
                f"RESULT name=mt940_fuzz_long inputs={number} crashes=1 "
                f"seed={args.seed}"
            )
            return 1
        if number % 10_000 == 0:
            print(f"{number} inputs, {time.perf_counter() - started:.0f} s", flush=True)
    seconds = time.perf_counter() - started
    print(
        f"RESULT name=mt940_fuzz_long inputs={args.inputs} seconds={seconds:.1f} "
        f"inputs_per_s={args.inputs / seconds:.0f} errors_named={counts['error']} "
        f"statements={counts['statements']} crashes=0 seed={args.seed}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
