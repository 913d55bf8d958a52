"""Summarise a py-spy ``--format raw`` profile (collapsed stacks) by function.

    .venv/bin/python bench/spy_summary.py /tmp/spy/app-list.txt [--top 40] [--match candour]

For each function: the share of samples in which it is on the stack (inclusive) and at
the top (self). Idle samples (the event loop waiting in ``select``/``epoll``) are counted
apart, so the shares are of the time the server was busy.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="", help="only functions whose frame contains this")
    args = parser.parse_args()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    busy = idle = 0
    for line in args.profile.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = stack.split(";")
        if "(selectors.py" in frames[-1]:
            idle += count
            continue
        busy += count
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    total = busy + idle
    print(f"{total} samples: busy {busy / total:.0%}, idle {idle / total:.0%}\n")
    print("inclusive  self  function")
    for frame, count in inclusive.most_common():
        if args.match in frame:
            print(f"{count / busy:8.1%} {own[frame] / busy:6.1%}  {frame}")
            args.top -= 1
            if args.top <= 0:
                break


if __name__ == "__main__":
    main()
