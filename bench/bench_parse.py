"""Benchmark of inbound mail parsing: messages per second over the real-world corpus, for our
`parse` and for the stdlib parser alone (`email.message_from_bytes(policy=default)`).

Run: .venv/bin/python bench/bench_parse.py [--repeat 20] [--corpus PATH]

The stdlib figure is the floor our parser builds on: it only splits the MIME tree. `parse`
also reads the headers by hand, decodes every part, converts HTML to text (inscriptis) and
sanitizes it (nh3), trims quotes and finds bounces. No database, no Django.
"""

from __future__ import annotations

import argparse
import email
import os
import statistics
import sys
import time
from email import policy
from pathlib import Path

# Run as a plain script from anywhere: make the repository importable without installing it.
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from caredesk.mail.parsing import parse  # noqa: E402


def corpus(path: Path) -> list[bytes]:
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".eml", ".box"))
    if not files:
        sys.exit(f"no .eml/.box files under {path} (set --corpus or CAREDESK_MAIL_CORPUS)")
    return [p.read_bytes() for p in files]


def run(messages: list[bytes], repeat: int, parse_one) -> list[float]:
    """Seconds per pass over all messages, one figure per pass."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        for raw in messages:
            parse_one(raw)  # no corpus message may raise: a crash here is a bug
        timings.append(time.perf_counter() - start)
    return timings


def stdlib(raw: bytes):
    return email.message_from_bytes(raw, policy=policy.default)


def main() -> None:
    default_corpus = os.environ.get("CAREDESK_MAIL_CORPUS") or str(
        REPO.parent / "shared" / "mail-corpus"
    )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the corpus")
    parser.add_argument("--corpus", default=default_corpus)
    args = parser.parse_args()

    messages = corpus(Path(args.corpus))
    size = sum(len(m) for m in messages)
    print(f"corpus: {len(messages)} messages, {size / 1024:.0f} KiB, {args.repeat} passes")
    run(messages, 1, parse)  # warm up: imports, regex compilation, inscriptis/lxml
    run(messages, 1, stdlib)

    rows = []
    for label, parse_one in (("caredesk parse", parse), ("stdlib email only", stdlib)):
        timings = run(messages, args.repeat, parse_one)
        best, median = min(timings), statistics.median(timings)
        rows.append((label, len(messages) / median, len(messages) / best, median))
    print(f"{'parser':<20} {'messages/s (median)':>20} {'messages/s (best)':>18} {'ms/msg':>8}")
    for label, rate, best_rate, median in rows:
        per_message = median / len(messages) * 1000
        print(f"{label:<20} {rate:>20,.0f} {best_rate:>18,.0f} {per_message:>8.2f}")
    print(f"parse costs {rows[1][1] / rows[0][1]:.1f}x the stdlib parser's time per message")


if __name__ == "__main__":
    main()
