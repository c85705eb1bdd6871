"""Benchmark: bank matching, the engine alone and end to end in Odoo, against OCA.

    .venv/bin/python tests/bench/matching.py [--quick] [--keep-db]

1. The plain-Python engine on 10,000 statement lines x 50,000 open items
   (``--quick``: 1,000 x 5,000), from ``matching_engine_data`` (its synthetic
   dataset knows which items each line really pays).
2. End to end in Odoo on 5,000 lines x 10,000 open items (``--quick``: 300 x
   1,500) of the same generator: a scratch database cloned from the test
   template, company currency PLN, the dataset's partners (VAT numbers, bank
   accounts, virtual accounts), its open items as posted customer invoices
   and vendor bills (same numbers, references, dates, amounts and
   currencies) and its lines as bank statement lines. The database is then
   cloned so that both peers start from the same data:

   - ours: ``bank.api.matcher._match_statement_lines`` on every line:
     loading, matching, reconciling what is safe with Odoo's reconciliation
     (invoices paid), storing proposals for the rest; timed with the final
     flush to the database;
   - OCA's ``account_reconcile_model_oca`` 18.0 (PyPI), the Community port of
     Odoo's reconciliation rules: per line ``_retrieve_partner`` and
     ``account.reconcile.model._apply_rules`` (its whole matching), then the
     automatic results reconciled with the same reconciliation code as ours,
     so that both pay the same price for posting. Configured as Odoo ships
     its rules (an auto-validated invoice matching rule, label matching,
     1.00 of payment tolerance with a write-off account, other currencies
     allowed) plus two counterpart rules for bank fees (transaction code
     NCHG, and a label regex with the fee keywords).

   Precision is the share of the automatic reconciliations that settled
   exactly the items the dataset says the line pays (or posted a fee for a
   fee line), read back from the database (``account.partial.reconcile``).

Ends with ``RESULT name=matching lines=<n> ours_lps=<x> oca_lps=<y>
ratio_vs_oca=<r> matching_ratio_vs_oca=<m> ours_precision=<p>
oca_precision=<q> auto_share=<s> ceiling_ratio_vs_oca=<c> ceiling_share=<h>
posting_share=<t> ceiling_with_posting_share=<w> posting_vs_reference=<v>
engine_lps=<e>``:
``ratio_vs_oca`` end to end (both pay Odoo's price for each reconciliation
they post, and ours posts more of them), ``matching_ratio_vs_oca`` for the
matching alone, ``ceiling_ratio_vs_oca`` the most any engine could reach end
to end while posting ours' reconciliations: its lines over the time Odoo's own
reconciliation of them took (``_reconcile_plan``, timed inside ours' run, its
inner call for exchange differences once), as if matching and writing cost
nothing; ``ceiling_share`` ours end to end over that ceiling;
``posting_share`` the share of ours' time spent in Odoo's reconciliation and
in posting the bank entries' items through the ORM (the reconciler's
``_post_items``: partners, suspense items rewritten or replaced, with what
Odoo recomputes for them), which any engine reconciling through the ORM pays.

3. The reference posting, the issue's ceiling ("the best any engine could do
   while posting the same reconciliations through Odoo"): on a third clone of
   the data, the counterpart items ours posted for the lines it reconciled
   are posted again through the ORM, each way rolled back after it: Odoo's
   own way (its statement line's ``_synchronize_to_moves``: one write per
   entry, ``Command.update`` of the suspense item, ``Command.create`` of the
   others, under ``skip_account_move_synchronization``, ``skip_invoice_sync``,
   ``skip_readonly_check``, ``check_move_validity=False``), grouped
   multi-record writes (one per set of identical values), and ours'
   ``_post_items`` itself (first and again last). The cheapest, plus Odoo's
   reconciliation timed in ours' run, is the ceiling with posting;
   ``ceiling_with_posting_share`` ours end to end over it,
   ``posting_vs_reference`` ours' posting (in its run) over that cheapest.
"""

import argparse
import copy
import os
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "setup"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import matching_engine_data as data  # noqa: E402
from odoo_env import (  # noqa: E402
    ODOO_CONF,
    create_database,
    drop_database,
    odoo_command,
)

# BENCH_DB_SUFFIX keeps the databases of two checkouts benchmarking at once apart.
_SUFFIX = os.environ.get("BENCH_DB_SUFFIX", "")
DATA_DB = f"bank_api_sync_bench_matching_data{_SUFFIX}"
OURS_DB = f"bank_api_sync_bench_matching_ours{_SUFFIX}"
OCA_DB = f"bank_api_sync_bench_matching_oca{_SUFFIX}"
REF_DB = f"bank_api_sync_bench_matching_ref{_SUFFIX}"
CREATE_BATCH = 250


def step(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- databases ---------------------------------------------------------------


def prepare_database():
    """Clone the template and install our add-on and OCA's beside it."""
    create_database(DATA_DB)
    command = odoo_command(
        DATA_DB,
        "-i", "bank_api_sync,account_reconcile_model_oca",
        "--without-demo=all", "--stop-after-init", "--log-level=warn",
    )  # fmt: skip
    subprocess.run(command, check=True, cwd=REPO_ROOT)


def update_database():
    """Bring a kept data database to the add-on's current code (its fields may
    have changed since the run that left it)."""
    command = odoo_command(
        DATA_DB,
        "-u", "bank_api_sync",
        "--stop-after-init", "--log-level=warn",
    )  # fmt: skip
    subprocess.run(command, check=True, cwd=REPO_ROOT)


def analyze_database(database):
    """Statistics for the query planner, as a database in use has them: both
    peers start from a clone of the analyzed data. Without them PostgreSQL
    plans the first queries over the freshly loaded tables blind."""
    subprocess.run(
        ["psql", "-d", database, "-qc", "VACUUM ANALYZE"],
        check=True,
        env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
    )


def clone_database(source, target):
    drop_database(target)
    subprocess.run(["createdb", "-T", source, target], check=True)


def odoo_registry(database):
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    if not config.get("db_name"):
        config.parse_config(["-c", str(ODOO_CONF), "-d", database, "--log-level=warn"])
    odoo.tools.config["db_name"] = database
    return Registry(database)


def close_registry(database):
    import odoo
    from odoo.modules.registry import Registry

    Registry.delete(database)
    odoo.sql_db.close_db(database)


def environment(cr):
    import odoo

    return odoo.api.Environment(
        cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True}
    )


# --- loading the dataset into Odoo ---------------------------------------------------


def load_dataset(env, dataset):
    """Partners, invoices, bills and bank lines of the dataset. Returns
    ({dataset item id: move line id}, {statement line id: dataset line id})."""
    company = env.company
    pln = env.ref("base.PLN")
    eur = env.ref("base.EUR")
    (pln | eur).active = True
    company.currency_id = pln
    company.vat = "PL" + data.COMPANY_VAT
    env["res.currency.rate"].create(
        {
            "name": "2020-01-01",
            "rate": float(1 / data.EUR_RATE),
            "currency_id": eur.id,
            "company_id": company.id,
        }
    )
    generator_partners = {}
    for item in dataset.items:
        generator_partners.setdefault(
            item.partner_id, (item.partner_name, item.partner_vat)
        )
    owners = {}
    for iban, partner_ids in dataset.context.partner_ibans.items():
        for partner_id in partner_ids:
            owners.setdefault(partner_id, []).append(iban)
    virtual = {
        partner_id: number
        for number, partner_id in dataset.context.virtual_accounts.items()
    }
    partner_vals = [
        {
            "name": name,
            "is_company": True,
            "vat": "PL" + vat,
            "bank_api_virtual_account": virtual.get(partner_id),
            "bank_ids": [
                (0, 0, {"acc_number": iban}) for iban in owners.get(partner_id, [])
            ],
        }
        for partner_id, (name, vat) in sorted(generator_partners.items())
    ]
    partners = env["res.partner"].create(partner_vals)
    partner_of = dict(zip(sorted(generator_partners), partners.ids, strict=True))
    step(f"  {len(partners)} partners")

    defaults = {
        kind: env["account.journal"]
        .search([("type", "=", kind), ("company_id", "=", company.id)], limit=1)
        .default_account_id
        for kind in ("sale", "purchase")
    }
    journals = {}
    for prefix in ("FV", "INV", "FZ"):
        kind = "purchase" if prefix == "FZ" else "sale"
        journals[prefix] = env["account.journal"].create(
            {
                "name": f"Bench {prefix}",
                "code": f"B{prefix}",
                "type": kind,
                "default_account_id": defaults[kind].id,
            }
        )
    item_aml = {}
    vals_list, keys = [], []
    for item in dataset.items:
        prefix = item.move_name.split("/")[0]
        payable = item.kind == data.matching.PAYABLE
        vals_list.append(
            {
                "move_type": "in_invoice" if payable else "out_invoice",
                "journal_id": journals[prefix].id,
                "name": item.move_name,
                "partner_id": partner_of[item.partner_id],
                "invoice_date": item.date,
                "date": item.date,
                "invoice_date_due": item.due_date,
                "currency_id": (eur if item.currency == "EUR" else pln).id,
                "payment_reference": item.payment_reference,
                "ref": item.ref,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Goods",
                            "quantity": 1,
                            "price_unit": float(abs(item.residual_in_currency)),
                            "tax_ids": [],
                        },
                    )
                ],
            }
        )
        keys.append(item.id)
        if len(vals_list) == CREATE_BATCH or item is dataset.items[-1]:
            moves = env["account.move"].create(vals_list)
            moves.action_post()
            for key, move in zip(keys, moves, strict=True):
                term = move.line_ids.filtered(
                    lambda line: line.display_type == "payment_term"
                )
                item_aml[key] = term.id
            env.flush_all()
            env.invalidate_all()
            vals_list, keys = [], []
            if len(item_aml) % 2000 < CREATE_BATCH:
                step(f"  {len(item_aml)} invoices and bills")

    bank = env["account.journal"].create(
        {"name": "Bench Bank", "code": "BBNK", "type": "bank", "currency_id": False}
    )
    line_of = {}
    lines = list(dataset.lines)
    for start in range(0, len(lines), CREATE_BATCH):
        chunk = lines[start : start + CREATE_BATCH]
        created = env["account.bank.statement.line"].create(
            [
                {
                    "journal_id": bank.id,
                    "date": line.date,
                    "amount": float(line.amount),
                    "payment_ref": line.payment_ref,
                    "account_number": line.counterparty_iban or False,
                    "transaction_type": line.transaction_code or False,
                    "bank_api_receiving_account": line.receiving_account or False,
                    **(
                        {
                            "foreign_currency_id": eur.id,
                            "amount_currency": float(line.amount_currency),
                        }
                        if line.foreign_currency == "EUR"
                        else {}
                    ),
                }
                for line in chunk
            ]
        )
        line_of.update(zip(created.ids, (line.id for line in chunk), strict=True))
        env.flush_all()
        env.invalidate_all()
    step(f"  {len(line_of)} bank statement lines")
    return item_aml, line_of, bank


def find_dataset(env, dataset):
    """The mappings of ``load_dataset`` for data a previous run loaded."""
    moves = env["account.move"].search(
        [("name", "in", [item.move_name for item in dataset.items])]
    )
    term = {
        move.name: move.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).id
        for move in moves
    }
    item_aml = {item.id: term[item.move_name] for item in dataset.items}
    bank = env["account.journal"].search([("code", "=", "BBNK")])
    lines = env["account.bank.statement.line"].search(
        [("journal_id", "=", bank.id)], order="id"
    )
    if len(lines) != len(dataset.lines) or len(term) != len(dataset.items):
        raise SystemExit("the kept data database has other sizes: run without it")
    return (
        item_aml,
        dict(zip(lines.ids, (line.id for line in dataset.lines), strict=True)),
        bank,
    )


def write_off_account(env):
    return env["account.account"].search(
        [("account_type", "=", "expense"), ("company_ids", "in", env.company.id)],
        limit=1,
    )


def fee_account(env):
    account = env["account.account"].search(
        [("code", "=", "620000"), ("company_ids", "in", env.company.id)], limit=1
    )
    return account or write_off_account(env)


def counterpart(account, label):
    return [
        (
            0,
            0,
            {
                "account_id": account.id,
                "amount_type": "percentage",
                "amount_string": "100",
                "label": label,
            },
        )
    ]


def configure_ours(env):
    """The benchmark rule of the engine's own benchmark, as reconcile models."""
    rule = data.default_rule()
    models = env["account.reconcile.model"]
    models.search([("rule_type", "!=", "writeoff_button")]).active = False
    fee_rule = data.matching.DEFAULT_FEE_RULE
    models.create(
        {
            "name": "Bench: invoices",
            "rule_type": "invoice_matching",
            "sequence": 1,
            "auto_reconcile": True,
            "past_months_limit": 0,
            "bank_api_auto_threshold": rule.auto_threshold,
            "bank_api_date_window_days": rule.date_window_days,
            "allow_payment_tolerance": True,
            "payment_tolerance_type": "fixed_amount",
            "payment_tolerance_param": float(rule.tolerance_amount),
            "line_ids": counterpart(write_off_account(env), "Payment difference"),
        }
    )
    models.create(
        {
            "name": "Bench: bank fees",
            "rule_type": "writeoff_suggestion",
            "sequence": 2,
            "auto_reconcile": True,
            "bank_api_fee_codes": ", ".join(sorted(fee_rule.transaction_codes)),
            "bank_api_fee_keywords": "\n".join(fee_rule.keywords),
            "bank_api_fee_max_amount": float(fee_rule.max_amount),
            "line_ids": counterpart(fee_account(env), "Bank fee"),
        }
    )


def configure_oca(env):
    """OCA's rules as Odoo ships them, fees added."""
    models = env["account.reconcile.model"]
    models.search([("rule_type", "!=", "writeoff_button")]).active = False
    fee_rule = data.matching.DEFAULT_FEE_RULE
    keywords = "|".join(keyword.lower() for keyword in fee_rule.keywords)
    models.create(
        {
            "name": "OCA: fees by code",
            "rule_type": "writeoff_suggestion",
            "sequence": 1,
            "auto_reconcile": True,
            "match_nature": "amount_paid",
            "match_transaction_type": "contains",
            "match_transaction_type_param": "nchg",
            "line_ids": counterpart(fee_account(env), "Bank fee"),
        }
    )
    models.create(
        {
            "name": "OCA: fees by keyword",
            "rule_type": "writeoff_suggestion",
            "sequence": 2,
            "auto_reconcile": True,
            "match_nature": "amount_paid",
            "match_amount": "lower",
            "match_amount_max": float(fee_rule.max_amount),
            "match_label": "match_regex",
            "match_label_param": f".*({keywords})",
            "line_ids": counterpart(fee_account(env), "Bank fee"),
        }
    )
    models.create(
        {
            "name": "OCA: invoices",
            "rule_type": "invoice_matching",
            "sequence": 3,
            "auto_reconcile": True,
            "past_months_limit": 0,
            "match_same_currency": False,
            "match_text_location_label": True,
            "allow_payment_tolerance": True,
            "payment_tolerance_type": "fixed_amount",
            "payment_tolerance_param": 1.0,
            "line_ids": counterpart(write_off_account(env), "Payment difference"),
        }
    )


# --- running the peers -------------------------------------------------------


def run_ours(env, bank):
    """Returns (seconds, of which reconciling, of which Odoo's own
    reconciliation of the pairs, of which posting the bank entries' items
    through the ORM, stats)."""
    lines = env["account.bank.statement.line"].search([("journal_id", "=", bank.id)])
    reconciler = type(env["bank.api.reconciler"])
    move_line = type(env["account.move.line"])
    reconcile_many = reconciler._reconcile_many
    reconcile_plan = move_line._reconcile_plan
    # Absent from versions before it was split out (for comparing them).
    post_items = getattr(reconciler, "_post_items", None)
    spent, spent_by_odoo, spent_posting = [], [], []
    # {statement line id: (partner id or None, its counterpart items' values)}
    # for the reference posting (a batch Odoo refuses is retried in halves:
    # the last values of a line win, and only the reconciled lines count).
    posted = {}

    def timed_post_items(self, prepared, st_lines, context):
        # Partners, suspense items replaced or rewritten, through Odoo's
        # create, unlink and write, with what they recompute.
        for st_line, plan, entries in prepared:
            posted[st_line.id] = (
                plan.partner_id,
                [dict(vals) for vals in entries["vals_list"]],
            )
        self.env.flush_all()
        before = time.perf_counter()
        try:
            return post_items(self, prepared, st_lines, context)
        finally:
            self.env.flush_all()
            spent_posting.append(time.perf_counter() - before)

    def timed_reconcile_many(self, items, how):
        before = time.perf_counter()
        try:
            return reconcile_many(self, items, how)
        finally:
            self.env.flush_all()
            spent.append(time.perf_counter() - before)

    depth = [0]

    def timed_reconcile_plan(self, reconciliation_plan):
        # Odoo reconciles its exchange difference entries by calling itself:
        # only the outer call is timed, the inner one is inside it.
        if depth[0]:
            return reconcile_plan(self, reconciliation_plan)
        # What is written before Odoo's reconciliation is not its cost.
        self.env.flush_all()
        before = time.perf_counter()
        depth[0] += 1
        try:
            return reconcile_plan(self, reconciliation_plan)
        finally:
            depth[0] -= 1
            self.env.flush_all()
            spent_by_odoo.append(time.perf_counter() - before)

    env.invalidate_all()
    reconciler._reconcile_many = timed_reconcile_many
    if post_items:
        reconciler._post_items = timed_post_items
    move_line._reconcile_plan = timed_reconcile_plan
    try:
        started = time.perf_counter()
        stats = env["bank.api.matcher"]._match_statement_lines(lines, trigger="sync")
        env.flush_all()
        seconds = time.perf_counter() - started
    finally:
        reconciler._reconcile_many = reconcile_many
        if post_items:
            reconciler._post_items = post_items
        move_line._reconcile_plan = reconcile_plan
    env.cr.execute(
        "SELECT id FROM account_bank_statement_line"
        " WHERE id = ANY(%s) AND bank_api_reconciled_how IS NOT NULL",
        [list(posted)],
    )
    reconciled = {row[0] for row in env.cr.fetchall()}
    posted = {key: value for key, value in posted.items() if key in reconciled}
    return (
        seconds,
        sum(spent),
        sum(spent_by_odoo),
        sum(spent_posting),
        stats,
        posted,
    )


# --- the reference posting -----------------------------------------------------

# The contexts under which Odoo's own statement line code rewrites the items of
# its posted entry (``_synchronize_to_moves``: skip_readonly_check, and
# skip_account_move_synchronization so the rewrite does not come back to the
# line), plus what its reconciliation widget writes under: no invoice sync
# (no invoice line changes), the balance checked by nobody (the cheapest).
REFERENCE_CONTEXT = {
    "skip_readonly_check": True,
    "skip_account_move_synchronization": True,
    "skip_invoice_sync": True,
    "check_move_validity": False,
    "force_delete": True,
    "tracking_disable": True,
}
AMOUNT_KEYS = ("currency_id", "amount_currency", "debit", "credit")


def reference_per_entry(env, posted):
    """Odoo's own way (``_synchronize_to_moves``): one write per bank entry,
    its suspense item updated into the first counterpart item, the others
    created, the partner on the entry and its bank item, by commands on
    ``line_ids``."""
    from odoo import Command

    st_lines = env["account.bank.statement.line"].browse(sorted(posted))
    st_lines.fetch(["move_id", "partner_id"])
    st_lines.move_id.line_ids.fetch(["account_id", "partner_id"])
    for st_line in st_lines:
        partner_id, vals_list = posted[st_line.id]
        liquidity, suspense, _others = st_line._seek_for_lines()
        commands = [Command.update(suspense.id, vals_list[0])]
        commands += [Command.create(vals) for vals in vals_list[1:]]
        values = {"line_ids": commands}
        if partner_id and partner_id != st_line.partner_id.id:
            commands.insert(0, Command.update(liquidity.id, {"partner_id": partner_id}))
            values["partner_id"] = partner_id
        st_line.move_id.with_context(**REFERENCE_CONTEXT).write(values)


def reference_grouped(env, posted):
    """The fewest ORM calls: each write for all the records taking the same
    values (the partners by partner; a suspense item whose single counterpart
    has its amounts, by account, label, partner, taxes and analytics), the
    other lines' suspense items deleted in one unlink and their counterparts
    created in one create."""
    items = env["account.move.line"].with_context(**REFERENCE_CONTEXT)
    moves = env["account.move"].with_context(**REFERENCE_CONTEXT)
    st_lines = env["account.bank.statement.line"].browse(sorted(posted))
    st_lines.fetch(["move_id", "partner_id"])
    st_lines.move_id.line_ids.fetch(
        ["account_id", "currency_id", "amount_currency", "balance"]
    )
    partners, rewrites, replaced, created = {}, {}, [], []
    for st_line in st_lines:
        partner_id, vals_list = posted[st_line.id]
        liquidity, suspense, _others = st_line._seek_for_lines()
        if partner_id and partner_id != st_line.partner_id.id:
            moves_and_items = partners.setdefault(partner_id, ([], []))
            moves_and_items[0].append(st_line.move_id.id)
            moves_and_items[1].append(liquidity.id)
        vals = vals_list[0]
        if (
            len(vals_list) == 1
            and vals["currency_id"] == suspense.currency_id.id
            and suspense.currency_id.compare_amounts(
                vals["amount_currency"], suspense.amount_currency
            )
            == 0
            and suspense.company_currency_id.compare_amounts(
                vals["debit"] - vals["credit"], suspense.balance
            )
            == 0
        ):
            write = {
                key: value for key, value in vals.items() if key not in AMOUNT_KEYS
            }
            key = repr(sorted(write.items()))
            rewrites.setdefault(key, (write, []))[1].append(suspense.id)
            continue
        replaced += suspense.ids
        created += [{**vals, "move_id": st_line.move_id.id} for vals in vals_list]
    for partner_id, (move_ids, item_ids) in partners.items():
        moves.browse(move_ids).write({"partner_id": partner_id})
        items.browse(item_ids).write({"partner_id": partner_id})
    items.browse(replaced).with_context(dynamic_unlink=True).unlink()
    items.create(created)
    for write, item_ids in rewrites.values():
        items.browse(item_ids).write(write)


def reference_ours(env, posted):
    """Ours' own posting (the reconciler's ``_post_items``, batch by batch as
    ours runs it) of the same items: also an ORM posting any engine could
    use."""
    from types import SimpleNamespace

    from odoo.addons.bank_api_sync.models.bank_api_reconciler import (
        RECONCILE_BATCH,
        REWRITE_CONTEXT,
    )

    reconciler = env["bank.api.reconciler"]
    context = {**REWRITE_CONTEXT, "check_move_validity": False}
    context["tracking_disable"] = not env.company.check_account_audit_trail
    ids = sorted(posted)
    for start in range(0, len(ids), RECONCILE_BATCH):
        st_lines = env["account.bank.statement.line"].browse(
            ids[start : start + RECONCILE_BATCH]
        )
        prepared = [
            (
                st_line,
                SimpleNamespace(partner_id=posted[st_line.id][0]),
                {"vals_list": posted[st_line.id][1]},
            )
            for st_line in st_lines
        ]
        reconciler._post_items(prepared, st_lines, context)
        env.flush_all()
        env.invalidate_all()


def run_reference(env, posted):
    """Each reference posting of ours' counterpart items on the same lines of
    a copy of the data, rolled back after it. Returns {name: seconds}."""
    timings = {}
    expected = len(posted) + sum(len(vals) for _partner, vals in posted.values())
    for name, posting in (
        # Ours' first and again last: the first posting on the copy also
        # warms its registry's caches; the least of the two counts.
        ("ours' _post_items", reference_ours),
        ("per entry", reference_per_entry),
        ("grouped", reference_grouped),
        ("ours' _post_items again", reference_ours),
    ):
        env.invalidate_all()
        # Odoo's create and write add to the values they are given.
        values = copy.deepcopy(posted)
        started = time.perf_counter()
        posting(env, values)
        env.flush_all()
        timings[name] = time.perf_counter() - started
        # Outside the time: the entries hold what ours posted, and balance.
        st_lines = env["account.bank.statement.line"].browse(list(posted))
        if len(st_lines.move_id.line_ids) != expected:
            raise SystemExit(f"reference posting {name}: not ours' items")
        if st_lines.move_id._get_unbalanced_moves({"records": st_lines.move_id}):
            raise SystemExit(f"reference posting {name}: unbalanced entries")
        env.cr.rollback()
        env.invalidate_all()
        # The rolled back rows stay as dead rows that slow the next posting
        # down (twice as slow without this): gone, and statistics as before.
        analyze_database(env.cr.dbname)
    return timings


def run_oca(env, bank):
    """OCA's matching, line by line, then its automatic results reconciled in
    batches by the same code as ours. Returns (seconds, of which matching,
    stats)."""
    from odoo.addons.bank_api_sync.models.bank_api_reconciler import (
        PlannedAllocation,
        ReconcilePlan,
        to_decimal,
    )

    lines = env["account.bank.statement.line"].search([("journal_id", "=", bank.id)])
    models = env["account.reconcile.model"].search(
        [("rule_type", "!=", "writeoff_button"), ("company_id", "=", env.company.id)]
    )
    reconciler = env["bank.api.reconciler"]
    env.invalidate_all()
    stats = Counter()
    to_reconcile = []
    started = time.perf_counter()
    for st_line in lines:
        partner = st_line._retrieve_partner()
        result = models._apply_rules(st_line, partner)
        stats["lines"] += 1
        if not result.get("auto_reconcile"):
            stats["proposed" if result else "nothing"] += 1
            continue
        model = result["model"]
        if result.get("amls"):
            currency = st_line.currency_id
            amls = result["amls"]
            total = to_decimal(st_line.amount, currency)
            residuals = sum(
                (to_decimal(aml.amount_residual, currency) for aml in amls), Decimal(0)
            )
            model_line = model._bank_api_counterpart_line()
            write_off = (
                total - residuals
                if result.get("status") == "write_off" and model_line
                else Decimal(0)
            )
            plan = ReconcilePlan(
                partner_id=amls.partner_id[:1].commercial_partner_id.id or None,
                allocations=[
                    PlannedAllocation(
                        move_line=aml,
                        amount=to_decimal(aml.amount_residual, currency),
                        amount_currency=to_decimal(
                            aml.amount_residual_currency, aml.currency_id
                        ),
                        closes=True,
                    )
                    for aml in amls
                ],
                write_off=write_off,
                write_off_account=model_line.account_id if write_off else None,
                reconcile_model=model,
                keep_open=total != residuals and not write_off,
            )
        elif result.get("status") == "write_off":
            plan = reconciler._plan_from_fee(model)
        else:
            continue
        to_reconcile.append((st_line, plan))
    env.flush_all()
    matching = time.perf_counter() - started
    failed = reconciler._reconcile_many(to_reconcile, how="auto")
    env.flush_all()
    stats["auto"] = len(to_reconcile) - len(failed)
    stats["failed"] = len(failed)
    return time.perf_counter() - started, matching, stats


# --- scoring -----------------------------------------------------------------


def automatic_decisions(env, line_of, item_aml):
    """{dataset line id: ("fee", ()) or ("items", frozenset(dataset item ids))}
    for the lines reconciled automatically, read back from the database."""
    item_of = {aml_id: item_id for item_id, aml_id in item_aml.items()}
    env.flush_all()
    env.cr.execute(
        """
        SELECT st.id, st.bank_api_reconcile_model_id, model.rule_type
          FROM account_bank_statement_line st
          LEFT JOIN account_reconcile_model model
                 ON model.id = st.bank_api_reconcile_model_id
         WHERE st.id = ANY(%s) AND st.bank_api_reconciled_how = 'auto'
        """,
        [list(line_of)],
    )
    automatic = {row[0]: row[2] for row in env.cr.fetchall()}
    env.cr.execute(
        """
        SELECT st.id,
               CASE WHEN partial.debit_move_id = aml.id
                    THEN partial.credit_move_id ELSE partial.debit_move_id END
          FROM account_bank_statement_line st
          JOIN account_move_line aml ON aml.move_id = st.move_id
          JOIN account_partial_reconcile partial
            ON partial.debit_move_id = aml.id OR partial.credit_move_id = aml.id
         WHERE st.id = ANY(%s)
        """,
        [list(automatic)],
    )
    matched = {}
    for st_id, other in env.cr.fetchall():
        if other in item_of:
            matched.setdefault(st_id, set()).add(item_of[other])
    decisions = {}
    for st_id, rule_type in automatic.items():
        if rule_type == "writeoff_suggestion" and st_id not in matched:
            decisions[line_of[st_id]] = ("fee", frozenset())
        else:
            decisions[line_of[st_id]] = ("items", frozenset(matched.get(st_id, ())))
    return decisions


def score(dataset, decisions):
    right = 0
    per_scenario = Counter()
    wrong = Counter()
    for line_id, (kind, items) in decisions.items():
        truth = dataset.truth[line_id]
        if kind == "fee":
            ok = truth.kind == "fee"
        else:
            ok = truth.kind != "none" and bool(items) and items == truth.item_ids
        right += ok
        per_scenario[truth.scenario] += 1
        if not ok:
            wrong[truth.scenario] += 1
    automatic = len(decisions)
    return {
        "auto": automatic,
        "right": right,
        "precision": right / automatic if automatic else 1.0,
        "per_scenario": per_scenario,
        "wrong": wrong,
    }


def report(name, seconds, lines, figures, extra=""):
    print(
        f"  {name}: {lines} lines in {seconds:.1f} s = {lines / seconds:,.1f} lines/s; "
        f"automatic {figures['auto']} ({figures['auto'] / lines:.1%}), right "
        f"{figures['right']}: precision {figures['precision']:.4f}{extra}"
    )
    if figures["wrong"]:
        print(f"    wrong by scenario: {dict(figures['wrong'])}")


# --- main --------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--keep-db", action="store_true", help="keep the databases")
    parser.add_argument(
        "--reuse-data",
        action="store_true",
        help="start from the data database a --keep-db run left (same sizes, seed)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--lines", type=int, help="Odoo lines (default 5,000)")
    parser.add_argument("--items", type=int, help="Odoo open items (default 10,000)")
    arguments = parser.parse_args(argv)
    engine_size = (1_000, 5_000) if arguments.quick else (10_000, 50_000)
    odoo_size = (300, 1_500) if arguments.quick else (5_000, 10_000)
    odoo_size = (arguments.lines or odoo_size[0], arguments.items or odoo_size[1])

    step(f"engine: {engine_size[0]} lines x {engine_size[1]} open items")
    engine = data.run_engine_benchmark(*engine_size, seed=arguments.seed)

    n_lines, n_items = odoo_size
    step(f"odoo: {n_lines} lines x {n_items} open items; preparing the database")
    dataset = data.generate_dataset(n_lines, n_items, arguments.seed)
    if arguments.reuse_data:
        update_database()
    else:
        prepare_database()
    registry = odoo_registry(DATA_DB)
    with registry.cursor() as cr:
        env = environment(cr)
        if arguments.reuse_data:
            item_aml, line_of, bank = find_dataset(env, dataset)
        else:
            item_aml, line_of, bank = load_dataset(env, dataset)
        bank_id = bank.id
        cr.commit()  # the benchmark owns this scratch database: keep the data
    close_registry(DATA_DB)
    analyze_database(DATA_DB)
    clone_database(DATA_DB, OURS_DB)
    clone_database(DATA_DB, OCA_DB)
    clone_database(DATA_DB, REF_DB)

    step("ours: matching and reconciling every line")
    with odoo_registry(OURS_DB).cursor() as cr:
        env = environment(cr)
        configure_ours(env)
        env.flush_all()
        bank = env["account.journal"].browse(bank_id)
        (
            ours_seconds,
            ours_reconciling,
            odoo_reconciling,
            odoo_posting,
            ours_stats,
            ours_posted,
        ) = run_ours(env, bank)
        ours = score(dataset, automatic_decisions(env, line_of, item_aml))
        cr.commit()  # kept for --keep-db: what ours did can be looked at
    close_registry(OURS_DB)
    ours_matching = ours_seconds - ours_reconciling
    report(
        "ours",
        ours_seconds,
        n_lines,
        ours,
        f"; matching alone {ours_matching:.1f} s "
        f"({n_lines / ours_matching:,.1f} lines/s); {dict(ours_stats)}",
    )

    step(
        f"reference: ours' counterpart items of the {len(ours_posted)} reconciled "
        "lines posted through the ORM the cheapest ways, on a copy of the data"
    )
    with odoo_registry(REF_DB).cursor() as cr:
        reference = run_reference(environment(cr), ours_posted)
    close_registry(REF_DB)
    reference_name, reference_posting = min(reference.items(), key=lambda pair: pair[1])
    print(
        "  reference posting: "
        + ", ".join(
            f"{name} {seconds:.1f} s = {seconds / max(len(ours_posted), 1) * 1000:.2f}"
            " ms per line"
            for name, seconds in reference.items()
        )
        + f"; ours' posting {odoo_posting:.1f} s = "
        f"{odoo_posting / max(len(ours_posted), 1) * 1000:.2f} ms per line"
    )

    step(
        "OCA account_reconcile_model_oca: matching, then reconciling what it "
        "reconciles automatically"
    )
    with odoo_registry(OCA_DB).cursor() as cr:
        env = environment(cr)
        configure_oca(env)
        env.flush_all()
        bank = env["account.journal"].browse(bank_id)
        oca_seconds, oca_matching, oca_stats = run_oca(env, bank)
        oca = score(dataset, automatic_decisions(env, line_of, item_aml))
        cr.commit()
    close_registry(OCA_DB)
    report(
        "OCA",
        oca_seconds,
        n_lines,
        oca,
        f"; matching alone {oca_matching:.1f} s "
        f"({n_lines / oca_matching:,.1f} lines/s); {dict(oca_stats)}",
    )
    if not arguments.keep_db:
        for database in (DATA_DB, OURS_DB, OCA_DB, REF_DB):
            drop_database(database)

    ours_lps = n_lines / ours_seconds
    oca_lps = n_lines / oca_seconds
    print(
        f"  matching alone (no posting): ours {n_lines / ours_matching:,.1f} "
        f"lines/s, OCA {n_lines / oca_matching:,.1f} lines/s, ratio "
        f"{oca_matching / ours_matching:.1f}; reconciling: ours "
        f"{ours_reconciling:.1f} s for {ours['auto']} lines, OCA "
        f"{oca_seconds - oca_matching:.1f} s for {oca['auto']} lines"
    )
    # The bound Odoo's own reconciliation sets: an engine whose matching and
    # writing cost nothing, posting the same reconciliations as ours.
    ceiling_lps = n_lines / odoo_reconciling
    print(
        f"  of ours' reconciling, Odoo's own (_reconcile_plan: partials, full "
        f"reconciles, exchange differences, invoices paid) {odoo_reconciling:.1f} s "
        f"= {odoo_reconciling / max(ours['auto'], 1) * 1000:.1f} ms per line: "
        f"with free matching and writing, at most {ceiling_lps:,.1f} lines/s, "
        f"{ceiling_lps / oca_lps:.2f} x OCA"
    )
    # Posting the same reconciliations through the ORM also costs replacing
    # each bank line's suspense item (Odoo's create, unlink and write, with
    # their recomputations): the bound with that cost too.
    posted = odoo_reconciling + odoo_posting
    auto = max(ours["auto"], 1)
    print(
        f"  of ours' reconciling, posting the bank entries' items through the "
        f"ORM (partners, suspense items replaced or rewritten) {odoo_posting:.1f} s "
        f"= {odoo_posting / auto * 1000:.1f} ms per line; ours' own work (matching, "
        f"plans, proposals, notes) {ours_seconds - posted:.1f} s = "
        f"{(ours_seconds - posted) / n_lines * 1000:.2f} ms per line; reaching "
        f"{ours_lps / ceiling_lps:.2f} of the ceiling, "
        f"{odoo_reconciling + odoo_posting:.1f} s of {ours_seconds:.1f} s in "
        f"Odoo's reconciliation and posting ({posted / ours_seconds:.2f})"
    )
    # The issue's ceiling: "the best any engine could do while posting the
    # same reconciliations through Odoo": Odoo's reconciliation plus the
    # cheapest posting of the same counterpart items through the ORM.
    ceiling_posting_lps = n_lines / (odoo_reconciling + reference_posting)
    print(
        f"  with the cheapest reference posting ({reference_name}, "
        f"{reference_posting:.1f} s) and Odoo's reconciliation, at most "
        f"{ceiling_posting_lps:,.1f} "
        f"lines/s: ours reaches {ours_lps / ceiling_posting_lps:.2f} of that "
        f"ceiling; ours' posting over the reference "
        f"{odoo_posting / reference_posting:.2f}"
    )
    print(
        "RESULT name=matching "
        f"lines={n_lines} ours_lps={ours_lps:.1f} oca_lps={oca_lps:.1f} "
        f"ratio_vs_oca={ours_lps / oca_lps:.2f} "
        f"matching_ratio_vs_oca={oca_matching / ours_matching:.2f} "
        f"ours_precision={ours['precision']:.4f} oca_precision={oca['precision']:.4f} "
        f"auto_share={ours['auto'] / n_lines:.4f} "
        f"ceiling_ratio_vs_oca={ceiling_lps / oca_lps:.2f} "
        f"ceiling_share={ours_lps / ceiling_lps:.2f} "
        f"posting_share={posted / ours_seconds:.2f} "
        f"ceiling_with_posting_share={ours_lps / ceiling_posting_lps:.2f} "
        f"posting_vs_reference={odoo_posting / reference_posting:.2f} "
        f"engine_lps={engine['lines_per_s']:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
