"""Benchmark: sync sandbox transactions into Odoo statement lines.

    .venv/bin/python tests/bench/sync_import.py [--quick] [--sizes 10000,50000]

For each size N (default 10,000 and 50,000; ``--quick``: 1,000 and 2,000) a
Sandbox Bank is started whose PLN account books about N/75 transactions a day
(a weekly mean: weekdays carry more), and the sync window is the shortest run
of days ending today that holds at least N booked transactions (so N is a
lower bound: the table shows the exact count, the same for every
contender). The bank's clock is pinned at the start of the run. Then, in the
same run, on the same transactions, each into its own bank journal of a
fresh database (a clone of the project's template with ``account``,
``bank_api_sync``, ``bank_api_sync_sandbox`` (with ``bank_api_sync_mt940``,
which it depends on), OCA's ``account_statement_import_online`` and the
bench-only provider ``bas_bench_oca_sandbox`` installed; a company in PLN,
Europe/Warsaw, with partners owning the counterparties' IBANs):

- **ours**: ``bank.api.sync.runner._sync_connection(connection, "cron",
  date_from, date_to)``, the scheduled path: HTTP paging through our client
  (booked and pending), dedupe against the journal, daily statements, lines
  created in batches, pending staged, balances compared and chained, sync log;
- **raw create**: Odoo's own floor, ``account.bank.statement.line.create``
  in batches of 500 of the same field values (daily statements, partners and
  values prepared before the clock starts), plain context;
- **OCA**: ``account_statement_import_online`` 18.0 as its scheduled run
  calls it (``scheduled=True, tracking_disable=True``), ``_pull`` over the
  window with daily statements, fed by ``tests/bench/bas_bench_oca_sandbox``,
  a minimal provider that pulls each day from the same Sandbox Bank.

Each contender runs in its own Python process (a fresh registry and cache;
``VACUUM ANALYZE`` before it) and is timed from its first call to its commit.
Figures: transactions per second (N booked lines / seconds); SQL queries per
transaction (``odoo.sql_db.sql_counter`` before and after, so every cursor of
the process counts); peak memory = the growth of the process's peak resident
set during the run (Linux ``VmHWM`` after resetting it through
``/proc/self/clear_refs``, minus ``VmRSS`` at the start; RSS, not
tracemalloc, so the timing is not slowed down). Ends with one line:
``RESULT name=sync_import transactions=... ours_tps=... raw_tps=...
oca_tps=... ratio_vs_raw_create=... ratio_vs_oca=... queries_per_tx=...
peak_mem_mb=...`` for the largest size (queries and memory: ours).

``--profile`` writes a cProfile of ours to ``var/bench/`` and prints its
heaviest functions; ``--contenders ours,raw`` runs a subset; ``--keep-db``
keeps the scratch databases (``bas_bench_sync_<pid>*``).
"""

import argparse
import configparser
import importlib
import json
import os
import shutil
import subprocess
import sys
import time
import types
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO_ROOT / "setup"))

import odoo_env  # noqa: E402

# The add-ons' plain-Python cores without their Odoo glue (as
# tests/conftest.py does): the parent process never imports Odoo.
ADDONS = ("bank_api_sync", "bank_api_sync_mt940", "bank_api_sync_sandbox")
for _addon in ADDONS:
    if _addon not in sys.modules:
        _package = types.ModuleType(_addon)
        _package.__path__ = [str(REPO_ROOT / _addon)]
        sys.modules[_addon] = _package

DEFAULT_SIZES = (10_000, 50_000)
QUICK_SIZES = (1_000, 2_000)
CONTENDERS = ("ours", "raw", "oca")
# On request only (--contenders): Odoo's create with the chatter off, as ours.
EXTRA_CONTENDERS = ("raw_quiet",)
LABELS = {
    "ours": "ours (sync)",
    "raw": "raw create",
    "oca": "OCA online",
    "raw_quiet": "raw, no chat",
}
SEED = 11
RESOURCE_ID = "acc-pln"
WINDOW_DAYS = 75  # the volume is sized so that N arrives in about this many days
PAGE_SIZE = 250  # transactions per page of the bank's API
CREATE_BATCH = 500  # raw create: lines per create() call, as our importer
TZ = "Europe/Warsaw"
BENCH_MODULES = ("bank_api_sync", "bank_api_sync_sandbox")
BENCH_MODULES += ("account_statement_import_online", "bas_bench_oca_sandbox")
PROFILE_DIR = REPO_ROOT / "var" / "bench"
# Statement lines the company already has before the contenders run (see
# child_history): about 20 a day over the bank's 90 days of history.
HISTORY_PER_DAY = 20


def addons_path():
    parser = configparser.ConfigParser()
    parser.read(odoo_env.ODOO_CONF)
    return f"{parser['options']['addons_path']},{BENCH_DIR}"


# -- the bank ------------------------------------------------------------------


def make_bank(spec, seed=SEED):
    """The spec's Sandbox Bank (not started): same seed, volume and clock give
    the same ledger in every process."""
    from bank_api_sync_sandbox.core.sandbox import DEFAULT_ACCOUNTS, SandboxBank

    account = next(a for a in DEFAULT_ACCOUNTS if a.resource_id == RESOURCE_ID)
    pinned = datetime.fromisoformat(spec["now"])
    return SandboxBank(
        seed=seed,
        port=0,
        now=lambda: pinned,
        accounts=(account,),
        per_day=spec["per_day"],
        page_size=PAGE_SIZE,
    )


def choose_window(bank, size):
    """(date_from, date_to, booked count): the shortest window ending today
    holding at least ``size`` booked transactions."""
    today = bank.today()
    oldest = today - timedelta(days=bank.history_days - 1)
    per_day = {}
    for movement in bank.ledger_book.booked(RESOURCE_ID, today, oldest, today):
        per_day[movement.booking_day] = per_day.get(movement.booking_day, 0) + 1
    count, day = 0, today
    while day >= oldest:
        count += per_day.get(day, 0)
        if count >= size:
            return day, today, count
        day -= timedelta(days=1)
    raise SystemExit(f"the sandbox holds only {count} transactions for {size}")


# -- the parent: databases, bank, children, table ----------------------------


def snapshot_addon(run_dir):
    """Copy the add-ons for this run: every process of the run (hours long)
    loads the same code, whatever is edited in the tree meanwhile."""
    shutil.rmtree(run_dir, ignore_errors=True)
    for addon in ADDONS:
        shutil.copytree(
            REPO_ROOT / addon,
            run_dir / addon,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    use_snapshot(run_dir)


def use_snapshot(run_dir, odoo_addons=None):
    for addon in ADDONS:
        sys.modules[addon].__path__ = [str(run_dir / addon)]
    if odoo_addons is not None:
        # The venv links odoo.addons.bank_api_sync* to the working tree, and
        # its folder comes before any addons path: the copy goes first.
        odoo_addons.__path__.insert(0, str(run_dir))


def run_child(role, spec, profile=False):
    """Run one step in its own process; its JSON answer."""
    command = [
        str(odoo_env.VENV_PYTHON),
        __file__,
        "--child",
        role,
        "--spec",
        json.dumps(spec),
    ]
    if profile:
        command.append("--profile")
    done = subprocess.run(
        command, check=False, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True
    )
    if done.returncode:
        raise SystemExit(f"{role} failed (exit status {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def vacuum(database, command="VACUUM ANALYZE"):
    subprocess.run(
        ["psql", "-d", database, "-qc", command],
        check=True,
        env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
    )


def bench_size(base_db, run_dir, size, contenders, profile, keep_db):
    from bank_api_sync_sandbox.core.sandbox import (
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
    )

    database = f"{base_db}_{size}"
    odoo_env.drop_database(database)
    # FILE_COPY: the copy is on disk when this returns; PostgreSQL 15's
    # default (WAL_LOG) writes it through the WAL and leaves the first
    # contender to pay for the checkpoint that follows.
    vacuum(
        "postgres",
        f'CREATE DATABASE "{database}" TEMPLATE "{base_db}" STRATEGY FILE_COPY',
    )
    now = datetime.now(UTC).replace(microsecond=0)
    spec = {
        "db": database,
        "snapshot": str(run_dir),
        "now": now.isoformat(),
        "per_day": round(size / WINDOW_DAYS, 2),
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
    }
    bank = make_bank(spec).start()
    try:
        date_from, date_to, booked = choose_window(bank, size)
        spec.update(
            url=bank.url,
            date_from=date_from.isoformat(),
            date_to=date_to.isoformat(),
            booked=booked,
        )
        print(
            f"\nN={size}: {booked} booked transactions from {date_from} to "
            f"{date_to} ({(date_to - date_from).days + 1} days)",
            flush=True,
        )
        spec.update(run_child("setup", spec))
        results = {}
        for role in contenders:
            vacuum(database)
            vacuum(database, "CHECKPOINT")  # what came before is on disk
            print(f"  {LABELS[role]}...", end=" ", flush=True)
            results[role] = run_child(role, spec, profile=profile and role == "ours")
            phases = results[role].get("phases")
            print(
                f"{results[role]['seconds']:.1f} s, "
                f"{booked / results[role]['seconds']:.1f} tx/s"
                + (
                    " (" + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()) + ")"
                    if phases
                    else ""
                )
                + (
                    " (under cProfile: slowed down)"
                    if profile and role == "ours"
                    else ""
                ),
                flush=True,
            )
        return booked, results
    finally:
        bank.stop()
        if not keep_db:
            odoo_env.drop_database(database)


def print_table(rows):
    print()
    header = f"{'N':>7}  {'contender':<12} {'tx/s':>8} {'queries/tx':>11}"
    print(header + f" {'peak MB':>8} {'seconds':>8}  vs raw  vs OCA")
    for booked, results in rows:
        for role, result in results.items():
            tps = booked / result["seconds"]
            ratios = [
                f"{tps / (booked / results[peer]['seconds']):6.2f}"
                if peer in results
                else "     -"
                for peer in ("raw", "oca")
            ]
            print(
                f"{booked:>7}  {LABELS[role]:<12} {tps:>8.1f} "
                f"{result['queries'] / booked:>11.1f} {result['peak_mb']:>8.1f} "
                f"{result['seconds']:>8.1f}  {'  '.join(ratios)}"
            )


def result_line(rows):
    booked, results = rows[-1]
    tps = {role: booked / result["seconds"] for role, result in results.items()}
    ours = results.get("ours", {})

    def figure(value, digits):
        return "n/a" if value is None else f"{value:.{digits}f}"

    def ratio(peer):
        if "ours" in tps and peer in tps:
            return tps["ours"] / tps[peer]
        return None

    return (
        f"RESULT name=sync_import transactions={booked} "
        f"ours_tps={figure(tps.get('ours'), 1)} raw_tps={figure(tps.get('raw'), 1)} "
        f"oca_tps={figure(tps.get('oca'), 1)} "
        f"ratio_vs_raw_create={figure(ratio('raw'), 2)} "
        f"ratio_vs_oca={figure(ratio('oca'), 2)} "
        f"queries_per_tx={figure(ours and ours['queries'] / booked, 1)} "
        f"peak_mem_mb={figure(ours.get('peak_mb'), 1)}"
    )


def main(args):
    sizes = (
        [int(size) for size in args.sizes.split(",")]
        if args.sizes
        else list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    )
    contenders = [c for c in args.contenders.split(",") if c] or list(CONTENDERS)
    unknown = set(contenders) - set(CONTENDERS) - set(EXTRA_CONTENDERS)
    if unknown:
        raise SystemExit(f"unknown contenders: {', '.join(sorted(unknown))}")
    base_db = f"bas_bench_sync_{os.getpid()}"
    run_dir = PROFILE_DIR / base_db
    started = time.monotonic()
    rows = []
    try:
        snapshot_addon(run_dir)
        print(f"Preparing {base_db} (template + {', '.join(BENCH_MODULES)})...")
        odoo_env.create_database(base_db)
        base_spec = {
            "db": base_db,
            "snapshot": str(run_dir),
            "now": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "per_day": HISTORY_PER_DAY,
        }
        run_child("install", base_spec)
        history = run_child("history", base_spec)
        print(f"  company history: {history['lines']} statement lines")
        vacuum(base_db)
        for size in sizes:
            rows.append(
                bench_size(
                    base_db, run_dir, size, contenders, args.profile, args.keep_db
                )
            )
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
        if not args.keep_db:
            odoo_env.drop_database(base_db)
    print_table(rows)
    print(f"\n(run took {time.monotonic() - started:.0f} s)")
    print(result_line(rows))


# -- the children: one Odoo process per step -----------------------------------


class Meter:
    """Seconds, SQL queries and peak RSS growth of the block it wraps."""

    def __enter__(self):
        import odoo.sql_db

        self._sql = odoo.sql_db
        try:
            with open("/proc/self/clear_refs", "w") as clear_refs:
                clear_refs.write("5")  # resets VmHWM to the current RSS
        except OSError:
            self._rss_start = None
        else:
            self._rss_start = self._status_kb("VmRSS")
        self._queries = self._sql.sql_counter
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc_info):
        self.seconds = time.perf_counter() - self._started
        self.queries = self._sql.sql_counter - self._queries
        self.peak_mb = (
            (self._status_kb("VmHWM") - self._rss_start) / 1024
            if self._rss_start is not None
            else float("nan")
        )

    @staticmethod
    def _status_kb(name):
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
        raise RuntimeError(f"no {name} in /proc/self/status")

    def figures(self, **extra):
        return {
            "seconds": self.seconds,
            "queries": self.queries,
            "peak_mb": self.peak_mb,
            **extra,
        }


def load_odoo(spec, *options):
    import odoo
    from odoo.tools import config

    use_snapshot(Path(spec["snapshot"]), importlib.import_module("odoo.addons"))
    arguments = ["-c", str(odoo_env.ODOO_CONF), "-d", spec["db"]]
    arguments += ["--addons-path", addons_path(), "--log-level", "warn", *options]
    config.parse_config(arguments, setup_logging=True)
    return odoo


def child_install(spec):
    """odoo-bin -i, in a process that loads the run's copy of the add-on."""
    odoo = load_odoo(spec, "-i", ",".join(BENCH_MODULES), "--without-demo=all")
    odoo.modules.registry.Registry.new(spec["db"], update_module=True)
    return {}


def open_env(spec):
    odoo = load_odoo(spec)
    registry = odoo.modules.registry.Registry(spec["db"])
    cr = registry.cursor()
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def child_history(env, spec):
    """The company every size starts from: PLN, Europe/Warsaw, partners with
    the sandbox counterparties' IBANs, and some bank history of its own.

    A company's database is not empty, and PostgreSQL plans by its
    statistics: a contender whose transaction fills tables that were empty
    when last analyzed gets nested loops over them (the first contender on a
    fresh database was 40 % slower than the next one, on the same work).
    Every contender starts with committed, analyzed lines in those tables.
    """
    company = env.company
    # The bank's account is in PLN; its foreign payments come in EUR and USD.
    currencies = env.ref("base.PLN") | env.ref("base.EUR") | env.ref("base.USD")
    currencies.active = True
    company.write({"currency_id": env.ref("base.PLN").id})
    company.partner_id.tz = TZ
    # The counterparties depend on the seed only: the same in every bank of
    # the run, whatever its volume.
    book = make_bank(spec).ledger_book
    parties = {p.iban: p for p in book.customers + book.suppliers + book.foreign}
    env["res.partner"].create(
        [
            {
                "name": party.name,
                "is_company": True,
                "bank_ids": [(0, 0, {"acc_number": party.iban})],
            }
            for party in parties.values()
        ]
    )
    journal = env["account.journal"].create(
        {"name": "Company history", "type": "bank", "code": "BHIST"}
    )
    history = make_bank(spec, seed=SEED + 1)
    transactions = history.ledger(RESOURCE_ID, "booked", as_transactions=True)
    vals_list = raw_values(env, journal, transactions, "HIST")
    lines = env["account.bank.statement.line"].with_context(tracking_disable=True)
    for start in range(0, len(vals_list), CREATE_BATCH):
        lines.create(vals_list[start : start + CREATE_BATCH])
    env.cr.commit()
    return {"lines": len(vals_list)}


def child_setup(env, spec):
    """The connection to this size's bank, and the peers' journals."""
    admin = env.ref("base.user_admin")
    connection = (
        env["bank.api.connection"]
        .with_user(admin)
        .create(
            {
                "name": "Bench Sandbox",
                "provider": "sandbox",
                "environment": "sandbox",
                "base_url": spec["url"],
                "client_id": spec["client_id"],
                "client_secret": spec["client_secret"],
                "frequency_per_day": 100,
                "daily_call_limit": 0,
            }
        )
    )
    connection.action_connect()
    connection.account_ids.action_create_journal()
    journals = env["account.journal"].create(
        [
            {"name": "Bench OCA", "type": "bank", "code": "BOCA"},
            {"name": "Bench raw create", "type": "bank", "code": "BRAW"},
            {"name": "Bench raw create, no chatter", "type": "bank", "code": "BRAWQ"},
        ]
    )
    provider = env["online.bank.statement.provider"].create(
        {
            "journal_id": journals[0].id,
            "service": "bas_bench_sandbox",
            "api_base": spec["url"],
            "username": spec["client_id"],
            "password": spec["client_secret"],
            "origin": RESOURCE_ID,
            "tz": TZ,
            "statement_creation_mode": "daily",
        }
    )
    env.cr.commit()
    return {
        "connection_id": connection.id,
        "raw_journal_id": journals[1].id,
        "raw_quiet_journal_id": journals[2].id,
        "oca_provider_id": provider.id,
    }


def child_ours(env, spec, profile):
    connection = env["bank.api.connection"].browse(spec["connection_id"])
    runner = env["bank.api.sync.runner"]
    date_from = date.fromisoformat(spec["date_from"])
    date_to = date.fromisoformat(spec["date_to"])
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    phases = time_phases(env)
    with Meter() as meter:
        if profiler:
            profiler.enable()
        log = runner._sync_connection(
            connection, "cron", date_from=date_from, date_to=date_to
        )
        env.flush_all()
        env.cr.commit()
        if profiler:
            profiler.disable()
    if log.status != "success" or log.lines_created != spec["booked"]:
        raise SystemExit(
            f"ours: {log.status}, {log.lines_created} lines of {spec['booked']}: "
            f"{log.message}"
        )
    if profiler:
        report_profile(profiler, f"ours_{spec['booked']}")
    return meter.figures(
        fetched=log.transactions_fetched,
        pending=log.pending_staged,
        phases=phases,
    )


# Where ours spends its time: wall clock of these steps of the sync (pending
# recomputations are flushed by whichever step comes next: the lines' by
# the balances' SQL sums).
PHASES = (
    ("bank.api.sync.runner", "_fetch_account_transactions", "fetch"),
    ("bank.api.statement.importer", "_existing_keys", "dedupe"),
    ("bank.api.statement.importer", "_create_lines", "lines"),
    ("bank.api.statement.importer", "_stage_pending", "pending"),
    ("bank.api.statement.importer", "_update_balances", "balances"),
    ("bank.api.sync.runner", "_after_account_import", "matching"),
)


def time_phases(env):
    """{phase: seconds}, filled in while the sync runs."""
    seconds = dict.fromkeys((phase for _, _, phase in PHASES), 0.0)
    for model, method_name, phase in PHASES:
        model_class = type(env[model])
        method = getattr(model_class, method_name)

        def timed(self, *args, _method=method, _phase=phase, **kwargs):
            started = time.perf_counter()
            try:
                return _method(self, *args, **kwargs)
            finally:
                seconds[_phase] += time.perf_counter() - started

        setattr(model_class, method_name, timed)
    return seconds


def report_profile(profiler, name):
    import pstats

    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    path = PROFILE_DIR / f"sync_import_{name}.prof"
    profiler.dump_stats(path)
    stats = pstats.Stats(profiler, stream=sys.stderr)
    print(f"\n--- profile of {name} ({path}) ---", file=sys.stderr)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def child_raw(env, spec, quiet=False):
    """Odoo's own create, on the same transactions and the same values
    (``quiet``: with ``tracking_disable``, as ours creates its lines)."""
    journal = env["account.journal"].browse(
        spec["raw_quiet_journal_id" if quiet else "raw_journal_id"]
    )
    transactions = make_bank(spec).ledger(
        RESOURCE_ID,
        "booked",
        date.fromisoformat(spec["date_from"]),
        date.fromisoformat(spec["date_to"]),
        as_transactions=True,
    )
    vals_list = raw_values(env, journal, transactions, "RAW")
    env.cr.commit()
    lines = env["account.bank.statement.line"]
    if quiet:
        lines = lines.with_context(tracking_disable=True)
    with Meter() as meter:
        for start in range(0, len(vals_list), CREATE_BATCH):
            lines.create(vals_list[start : start + CREATE_BATCH])
        env.flush_all()
        env.cr.commit()
    count = lines.search_count([("journal_id", "=", journal.id)])
    if count != spec["booked"]:
        raise SystemExit(f"raw: {count} lines of {spec['booked']}")
    return meter.figures()


def raw_values(env, journal, transactions, prefix):
    """The values our importer writes, for Odoo's create, prepared once:
    daily statements, partners by IBAN, foreign amounts."""
    from bank_api_sync.core.pending import counterparty_signature

    days = sorted({txn.booking_date for txn in transactions})
    statements = env["account.bank.statement"].create(
        [
            {"name": f"{prefix} {day}", "journal_id": journal.id, "date": day}
            for day in days
        ]
    )
    statement_of = dict(zip(days, statements.ids, strict=True))
    partner_of = {}
    for bank_account in env["res.partner.bank"].search([]):
        partner_of[bank_account.sanitized_acc_number] = bank_account.partner_id.id
    currency_of = {c.name: c.id for c in env["res.currency"].search([])}
    vals_list = []
    for txn in sorted(transactions, key=lambda txn: txn.booking_date):
        values = {
            "journal_id": journal.id,
            "statement_id": statement_of[txn.booking_date],
            "date": txn.booking_date,
            "amount": float(txn.amount),
            "payment_ref": txn.remittance or txn.proprietary_code or "/",
            "partner_name": txn.counterparty_name or False,
            "account_number": txn.counterparty_iban or False,
            "partner_id": partner_of.get(
                counterparty_signature(txn.counterparty_iban, None), False
            ),
            "transaction_type": txn.bank_transaction_code
            or txn.proprietary_code
            or False,
            "transaction_details": txn.raw or None,
        }
        if txn.original_currency and txn.original_amount:
            values["foreign_currency_id"] = currency_of[txn.original_currency]
            values["amount_currency"] = float(txn.original_amount)
        vals_list.append(values)
    return vals_list


def child_oca(env, spec):
    provider = env["online.bank.statement.provider"].browse(spec["oca_provider_id"])
    date_from = date.fromisoformat(spec["date_from"])
    date_to = date.fromisoformat(spec["date_to"])
    since = datetime.combine(date_from, datetime.min.time())
    until = datetime.combine(date_to + timedelta(days=1), datetime.min.time())
    with Meter() as meter:
        # As OCA's scheduled pull calls it (_scheduled_pull's context).
        provider.with_context(scheduled=True, tracking_disable=True)._pull(
            provider._provider_tz_to_utc(since), provider._provider_tz_to_utc(until)
        )
        env.flush_all()
        env.cr.commit()
    count = env["account.bank.statement.line"].search_count(
        [("journal_id", "=", provider.journal_id.id)]
    )
    if count != spec["booked"]:
        raise SystemExit(f"OCA: {count} lines of {spec['booked']}")
    return meter.figures()


def child(role, spec, profile):
    if role == "install":
        print(json.dumps(child_install(spec)))
        return
    env = open_env(spec)
    try:
        if role == "history":
            result = child_history(env, spec)
        elif role == "setup":
            result = child_setup(env, spec)
        elif role == "ours":
            result = child_ours(env, spec, profile)
        elif role in ("raw", "raw_quiet"):
            result = child_raw(env, spec, quiet=role == "raw_quiet")
        else:
            result = child_oca(env, spec)
    finally:
        env.cr.close()
    print(json.dumps(result))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="sizes 1,000 and 2,000")
    parser.add_argument("--sizes", help="comma-separated sizes, e.g. 10000,50000")
    parser.add_argument(
        "--contenders", default="", help="subset of ours,raw,oca (default: all)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile ours into var/bench/"
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--child",
        choices=("install", "history", "setup", *CONTENDERS, *EXTRA_CONTENDERS),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child:
        child(arguments.child, json.loads(arguments.spec), arguments.profile)
    else:
        main(arguments)
