"""Benchmark: the webhook receiver under load, against Odoo with workers.

    .venv/bin/python tests/bench/webhook_load.py [--events 10000]
        [--concurrency 8] [--workers 2] [--paced-rate 100] [--paced-seconds 10]
        [--keep-db]

A scratch database (``bas_bench_webhook_<pid>``, a clone of the project's
template) gets ``bank_api_sync_webhook`` and a connection receiving webhooks
with a secret made here. Odoo is started on it with ``--workers`` (free HTTP
and gevent ports, ``--max-cron-threads=0``: the processing cron does not
run, so the figures are the receiver's: verify, store, trigger the cron,
answer). Then, from a pool of ``--concurrency`` threads on loopback, each with
its own keep-alive ``requests`` session:

1. **webhooks**: ``--events`` POSTs to the connection's URL, signed by the
   independent ``standardwebhooks`` package at send time, 10 % of them
   replays of an id sent earlier in the sequence (with the pool, some arrive
   while the first copy is still in flight). Every answer must be 200.
2. **bare route**: as many GETs of ``/web/health``, the cheapest route Odoo
   has (``auth="none"``, no session saved, answers a constant JSON): Odoo's
   dispatch with the database bound and nothing else, same pool.
3. **paced**: signed events (10 % replays) sent at 100 per second for
   ``--paced-seconds``; latency counts from the scheduled send time, so a
   client that falls behind shows in the figure.

Then the database must hold exactly the distinct ids sent (none lost, none
twice). Latencies are from the request leaving to the answer read. The last
line: ``RESULT events=... accepted_rps=... p50_ms=... p99_ms=... bare_rps=...
ratio_vs_bare_route=... p99_at_100rps_ms=... lost=... duplicated=...``.
The database is dropped and Odoo stopped at the end, also on failure or
Ctrl+C (``--keep-db`` keeps the database).
"""

import argparse
import base64
import json
import os
import random
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import psutil
import requests
from standardwebhooks.webhooks import Webhook

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "setup"))

import odoo_env  # noqa: E402
import odoo_server  # noqa: E402
from odoo_server import start_odoo, stop_odoo  # noqa: E402

MODULE = "bank_api_sync_webhook"
REPLAY_SHARE = 0.10
PACED_RATE = 100  # requests per second
BARE_ROUTE = odoo_server.HEALTH_ROUTE
REQUEST_TIMEOUT = 30
SEED = 17


def new_secret():
    """A Standard Webhooks secret, made here, not by the add-on."""
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def prepare_database(database, secret):
    print(f"Preparing {database} (template + {MODULE})...", flush=True)
    return odoo_server.prepare_webhook_database(database, secret, name="Webhook bench")


# -- the client -------------------------------------------------------------------


class Client:
    """A pool of threads, each with its own keep-alive session."""

    def __init__(self, base_url, concurrency):
        self.base_url = base_url
        self.concurrency = concurrency
        self._local = threading.local()

    def session(self):
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def run(self, requests_, send, pace=None):
        """Send every request through ``send``; (seconds, [(status, ms)]).
        With ``pace`` (requests per second) each one is scheduled at its
        slot and its latency counts from that slot."""
        started = time.perf_counter()

        def one(index_request):
            index, request = index_request
            scheduled = started + index / pace if pace else None
            if scheduled is not None:
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            before = time.perf_counter()
            status = send(self.session(), request)
            return status, (time.perf_counter() - (scheduled or before)) * 1000

        with ThreadPoolExecutor(self.concurrency) as pool:
            results = list(pool.map(one, enumerate(requests_)))
        return time.perf_counter() - started, results


def event_ids(count, prefix, rng):
    """``count`` delivery ids, 10 % of them repeating an earlier one."""
    ids = []
    for index in range(count):
        if index and rng.random() < REPLAY_SHARE:
            ids.append(rng.choice(ids[:index]))
        else:
            ids.append(f"{prefix}_{index:06d}")
    return ids


def webhook_sender(url, secret):
    signer = Webhook(secret)

    def send(session, webhook_id):
        body = json.dumps(
            {
                "type": "balance.updated",
                "timestamp": datetime.now(UTC).isoformat(),
                "data": {
                    "account_id": "acc-bench",
                    "balances": [
                        {
                            "balanceType": "closingBooked",
                            "amount": "1250.00",
                            "currency": "EUR",
                            "referenceDate": "2026-12-01",
                        }
                    ],
                },
            }
        )
        now = datetime.now(UTC)
        headers = {
            "Content-Type": "application/json",
            "webhook-id": webhook_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signer.sign(webhook_id, now, body),
        }
        answer = session.post(url, data=body, headers=headers, timeout=REQUEST_TIMEOUT)
        return answer.status_code

    return send


def bare_sender(url):
    def send(session, _request):
        return session.get(url, timeout=REQUEST_TIMEOUT).status_code

    return send


class CpuMeter:
    """CPU seconds spent during a phase by Odoo (master, workers), by the
    PostgreSQL backends of the database, and by this client: where the time
    of a request goes on a machine whose cores they share."""

    def __init__(self, process, database):
        self.master = psutil.Process(process.pid)
        self.database = database

    def _postgres(self):
        found = []
        for backend in psutil.process_iter(["cmdline"]):
            cmdline = " ".join(backend.info["cmdline"] or ())
            if cmdline.startswith("postgres:") and f" {self.database} " in cmdline:
                found.append(backend)
        return found

    @staticmethod
    def _seconds(processes):
        total = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    def sample(self):
        odoo = [self.master, *self.master.children(recursive=True)]
        return {
            "odoo": self._seconds(odoo),
            "postgres": self._seconds(self._postgres()),
            "client": time.process_time(),
        }

    def measure(self, phase):
        """Run ``phase()``; its result and the CPU ms per request."""
        before = self.sample()
        seconds, results = phase()
        after = self.sample()
        per_request = {
            key: (after[key] - before[key]) * 1000 / len(results) for key in after
        }
        return seconds, results, per_request


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summarise(name, seconds, results, cpu):
    latencies = [ms for _status, ms in results]
    refused = {}
    for status, _ms in results:
        if status != 200:
            refused[status] = refused.get(status, 0) + 1
    accepted = len(results) - sum(refused.values())
    figures = {
        "rps": accepted / seconds,
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "refused": refused,
    }
    print(
        f"  {name:<22} {len(results):>6} requests in {seconds:6.1f} s: "
        f"{figures['rps']:7.1f} accepted/s, p50 {figures['p50']:6.1f} ms, "
        f"p99 {figures['p99']:6.1f} ms" + (f", NOT 200: {refused}" if refused else ""),
        flush=True,
    )
    print(
        " " * 26
        + "CPU ms per request: "
        + ", ".join(f"{key} {value:.1f}" for key, value in cpu.items()),
        flush=True,
    )
    return figures


def stored_ids(database, connection_id):
    rows = odoo_env.psql(
        "SELECT delivery_id FROM bank_api_webhook_event "  # noqa: S608 (an int)
        f"WHERE connection_id = {int(connection_id)}",
        database=database,
    )
    return rows.splitlines() if rows else []


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# -- the run ----------------------------------------------------------------------


def bench(args, database):
    secret = new_secret()
    setup = prepare_database(database, secret)
    process = None
    try:
        process, base_url = start_odoo(database, args.workers)
        print(
            f"Odoo at {base_url}, {args.workers} workers, no cron; client: "
            f"{args.concurrency} threads; load average {load_average()}",
            flush=True,
        )
        client = Client(base_url, args.concurrency)
        webhook_url = f"{base_url}/bank_api_sync/webhook/{setup['token']}"
        send_webhook = webhook_sender(webhook_url, secret)
        rng = random.Random(SEED)
        # Connections opened and the workers' caches warm before timing.
        client.run(event_ids(args.concurrency * 4, "warm", rng), send_webhook)
        client.run(range(args.concurrency * 4), bare_sender(base_url + BARE_ROUTE))

        cpu = CpuMeter(process, database)
        burst = event_ids(args.events, "evt", rng)
        webhooks = summarise(
            "webhooks (10% replays)",
            *cpu.measure(lambda: client.run(burst, send_webhook)),
        )
        bare_send = bare_sender(base_url + BARE_ROUTE)
        bare = summarise(
            f"bare {BARE_ROUTE}",
            *cpu.measure(lambda: client.run(range(args.events), bare_send)),
        )
        paced_ids = event_ids(args.paced_rate * args.paced_seconds, "paced", rng)
        paced = summarise(
            f"paced {args.paced_rate}/s",
            *cpu.measure(
                lambda: client.run(paced_ids, send_webhook, pace=args.paced_rate)
            ),
        )
        print(f"  load average after the phases: {load_average()}", flush=True)
    finally:
        stop_odoo(process)

    expected = {
        webhook_id
        for webhook_id in burst + paced_ids
        if not webhook_id.startswith("warm")
    }
    stored = [
        webhook_id
        for webhook_id in stored_ids(database, setup["connection_id"])
        if not webhook_id.startswith("warm")
    ]
    refused = sum(sum(phase["refused"].values()) for phase in (webhooks, paced))
    lost = len(expected - set(stored))
    duplicated = len(stored) - len(set(stored))
    unexpected = len(set(stored) - expected)
    print(
        f"  database: {len(stored)} events stored for {len(expected)} distinct "
        f"ids sent: {lost} lost, {duplicated} duplicated, {unexpected} unexpected"
    )
    return (
        f"RESULT events={args.events} accepted_rps={webhooks['rps']:.1f} "
        f"p50_ms={webhooks['p50']:.1f} p99_ms={webhooks['p99']:.1f} "
        f"bare_rps={bare['rps']:.1f} "
        f"ratio_vs_bare_route={webhooks['rps'] / bare['rps']:.2f} "
        f"p99_at_{args.paced_rate}rps_ms={paced['p99']:.1f} "
        f"lost={lost} duplicated={duplicated} refused={refused}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--paced-seconds", type=int, default=10)
    parser.add_argument("--paced-rate", type=int, default=PACED_RATE)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    database = f"bas_bench_webhook_{os.getpid()}"
    # A plain `kill` stops as Ctrl+C does: through the finally blocks.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    started = time.monotonic()
    try:
        result = bench(args, database)
    finally:
        if not args.keep_db:
            odoo_env.drop_database(database)
    print(f"\n(run took {time.monotonic() - started:.0f} s)")
    print(result)


if __name__ == "__main__":
    main()
