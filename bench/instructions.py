"""Instructions per request, counted by callgrind: a measure other work on the machine does
not move, where CPU time per request moves by a third from one run to the next.

    .venv/bin/python bench/instructions.py /tmp/candour-wrk-XXXX/vote-app.requests
    .venv/bin/python bench/instructions.py --baseline /tmp/candour-wrk-XXXX/vote-baseline.requests

It reads a file of requests that ``bench/wrk.py`` wrote (it prints their folder first; the
app's requests carry session tokens, which expire ``CANDOUR_ACCESS_TOKEN_MINUTES`` after
that run, 60 by default), and runs itself again under ``valgrind --tool=callgrind`` with
counting off. That run calls the app's (or the baseline's) ASGI callable directly — no HTTP
server, so uvicorn's share, the same for both, is not counted — ``--concurrency`` requests
at a time, on ``--database`` like the servers ``load.py`` starts (same environment); after
``--warm-up`` requests it turns counting on (``callgrind_control``) for ``--requests``
requests, and off. The answer is the instructions counted divided by the requests, and
the run fails if any answer was outside 2xx. Needs ``valgrind``; takes a minute or two.

The count is the whole process's, PostgreSQL aside: the app, its libraries and the
interpreter, the event loop, the driver. Repeated runs agree within about 0.3 %.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from common import DEFAULT_DATABASE, url_for
from load import BENCH_DIR, server_environment

Request = tuple[str, str, bytes, list[tuple[bytes, bytes]], bytes]


def read_requests(path: Path) -> list[Request]:
    """The requests of a ``wrk.lua`` file ("<length>\\n<request>" each) as ASGI pieces."""
    data, requests, at = path.read_bytes(), [], 0
    while at < len(data):
        newline = data.index(b"\n", at)
        length = int(data[at:newline])
        request = data[newline + 1 : newline + 1 + length]
        at = newline + 1 + length
        head, _, body = request.partition(b"\r\n\r\n")
        first, *lines = head.split(b"\r\n")
        method, target, _ = first.split(b" ")
        path_part, _, query = target.partition(b"?")
        headers = [
            (name.strip().lower(), value.strip())
            for name, value in (line.split(b":", 1) for line in lines)
        ]
        requests.append((method.decode(), path_part.decode(), query, headers, body))
    return requests


async def drive(
    app: Any, requests: list[Request], count: int, start: int, concurrency: int
) -> Counter[int]:
    """Send ``count`` requests from ``start`` on, ``concurrency`` at a time; the statuses."""
    statuses: Counter[int] = Counter()
    sent = 0

    async def one(request: Request) -> None:
        method, path, query, headers, body = request
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query,
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
            "state": {},
        }
        received = False

        async def receive() -> dict[str, Any]:
            nonlocal received
            if not received:
                received = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # no disconnect: the request runs to its end
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses[message["status"]] += 1

        await app(scope, receive, send)

    async def worker() -> None:
        nonlocal sent
        while sent < count:
            sent += 1
            await one(requests[(start + sent) % len(requests)])

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return statuses


def counting(on: bool) -> None:
    subprocess.run(  # noqa: S603
        ["callgrind_control", "--instr=on" if on else "--instr=off", str(os.getpid())],  # noqa: S607
        check=True,
        capture_output=True,
    )


async def inner(args: argparse.Namespace) -> None:
    """Under callgrind: load, warm up, count ``--requests``, report the statuses."""
    from asgi_lifespan import LifespanManager

    os.environ.update(server_environment(url_for(args.database), Path(tempfile.mkdtemp())))
    if args.baseline:
        sys.path.insert(0, str(BENCH_DIR))
        from baseline import create_app
    else:
        from candour.app import create_app
    requests = read_requests(args.requests_file)
    app = create_app()
    async with LifespanManager(app) as manager:
        warm = await drive(manager.app, requests, args.warm_up, 0, args.concurrency)
        counting(True)
        counted = await drive(manager.app, requests, args.requests, args.warm_up, args.concurrency)
        counting(False)
    bad = {status: n for status, n in (warm + counted).items() if not 200 <= status < 300}
    print(f"candour-instructions statuses {dict(counted)} outside-2xx {bad}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("requests_file", type=Path, help="a *.requests file of bench/wrk.py")
    parser.add_argument("--baseline", action="store_true", help="count the baseline instead")
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warm-up", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        import uvloop

        uvloop.run(inner(args))
        return
    url_for(args.database)  # this process keeps the embedded server up for the inner one
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--inner",
        *sys.argv[1:],
    ]
    run = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    counted = re.search(r"Collected : (\d+)", run.stderr)
    statuses = re.search(r"candour-instructions statuses (.*) outside-2xx (.*)", run.stdout)
    if run.returncode or not counted or not statuses:
        raise SystemExit(f"the counted run failed:\n{run.stdout[-2000:]}\n{run.stderr[-3000:]}")
    per_request = int(counted.group(1)) / args.requests
    target = "baseline" if args.baseline else "app"
    print(
        f"{args.requests_file.name} ({target}): {per_request / 1000:,.0f} thousand "
        f"instructions a request ({args.requests} requests, {args.concurrency} at a time; "
        f"statuses {statuses.group(1)})"
    )
    if statuses.group(2) != "{}":
        raise SystemExit(f"answers outside 2xx: {statuses.group(2)}")


if __name__ == "__main__":
    main()
