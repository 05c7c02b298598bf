"""`policydiff watch` over 100 policies served from loopback, --jobs 8: wall time, and how
much of the work is waiting on the network versus comparing (aim: comparing never the
bottleneck).

    python benchmarks/watch_load.py [--policies 100] [--jobs 8] [--latency 0.2]

Each policy is a real Telegram version from snapshots/; on the second night a third of them
change. The server answers after --latency seconds, as a distant site would. Every policy is
on the same loopback host, so the per-host rate limit is lifted for this run (real policies
sit on different hosts).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policydiff.archive.http import Limits, Session  # noqa: E402
from policydiff.store import Store  # noqa: E402
from policydiff.watch import run_watch  # noqa: E402
from policydiff.watchfile import parse_watchfile  # noqa: E402

VERSIONS = sorted((ROOT / "snapshots" / "telegram.org" / "privacy").glob("*.md"))


class Site(ThreadingHTTPServer):
    daemon_threads = True
    night = 0
    latency = 0.2


class Handler(BaseHTTPRequestHandler):
    server: Site

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        index = int(self.path.rsplit("/", 1)[-1])
        changes = self.server.night and index % 3 == 0
        version = VERSIONS[(index + (1 if changes else 0)) % len(VERSIONS)]
        body = version.read_bytes()
        time.sleep(self.server.latency)
        self.send_response(200)
        self.send_header("Content-Type", "text/markdown; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.2)
    args = parser.parse_args()
    site = Site(("127.0.0.1", 0), Handler)
    site.latency = args.latency
    threading.Thread(target=site.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{site.server_address[1]}"
    watch = parse_watchfile(
        "".join(
            f'[[policy]]\nname = "p{i}"\nurl = "{base}/policy/{i}"\n' for i in range(args.policies)
        ),
        "benchmark.toml",
    )
    session = Session(Limits(rates={"live": 1e9}), allow_private=True)  # the site is on loopback
    with tempfile.TemporaryDirectory() as folder:
        store, out = Store(Path(folder) / "store"), Path(folder) / "out"
        for night in (0, 1):
            site.night = night
            start = time.perf_counter()
            outcomes = run_watch(watch, store=store, out=out, jobs=args.jobs, session=session)
            wall = time.perf_counter() - start
            fetching = sum(o.fetch_seconds for o in outcomes)
            comparing = sum(o.compare_seconds for o in outcomes)
            statuses = {
                s: sum(o.status == s for o in outcomes) for s in {o.status for o in outcomes}
            }
            busy = fetching + comparing
            print(
                f"night {night}: {args.policies} policies, --jobs {args.jobs}: {wall:.2f} s wall; "
                f"waiting on the network {fetching:.1f} s ({100 * fetching / busy:.0f} %), comparing "
                f"{comparing:.1f} s ({100 * comparing / busy:.0f} %) summed over jobs; {statuses}"
            )
    site.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
