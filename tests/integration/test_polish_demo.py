"""setup/demo builds a Polish company, and what it shows reads in Polish: the
demo the way a new user gets it (``setup/demo --no-serve``), then looked at
through odoo-bin's shell."""

import json
import os
import subprocess

import pytest

pytestmark = pytest.mark.odoo

FACTS = """
import json
company = env.ref("base.main_company")
pl = env(user=env.ref("base.user_admin"), context={"lang": "pl_PL"})
customers = env["res.partner"].search([("bank_ids", "!=", False)])
rows = env["bank.api.cash.position"].search([("company_id", "=", company.id)])
accounts = env["bank.api.account"].search(
    [("company_id", "=", company.id), ("journal_id", "!=", False)]
)
reasons = pl["bank.api.match.proposal"].search(
    [("reason", "ilike", "partial payment")]
).mapped("reason")
print("FACTS" + json.dumps({
    "country": company.country_id.code,
    "currency": company.currency_id.name,
    "chart": company.chart_template,
    "vat": company.vat,
    "city": company.city,
    "languages": [code for code, _name in env["res.lang"].get_installed()],
    "demo_user_lang": env.ref("base.user_demo").lang,
    "customers": [
        [p.bank_ids[0].acc_number.replace(" ", "")[:2], p.country_id.code, p.vat]
        for p in customers
    ],
    "accounts": sorted(accounts.mapped("iban")),
    "cash_rows": sorted(
        [r.account_number, r.refreshed_by, bool(r.refreshed_at), r.stale]
        for r in rows if r.connection_id
    ),
    "reasons": reasons[:3],
}))
"""


@pytest.fixture
def demo_database(odoo_ready):
    name = f"bank_api_sync_pldemo_{os.getpid()}"
    yield name
    odoo_ready.drop_database(name)


def test_the_demo_is_a_polish_company_read_in_polish(odoo_ready, demo_database):
    env = {
        **os.environ,
        "DEMO_DB": demo_database,
        "HTTP_PORT": str(odoo_ready.free_port()),
    }
    demo = subprocess.run(
        [str(odoo_ready.REPO_ROOT / "setup" / "demo"), "--no-serve"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    shell = subprocess.run(
        odoo_ready.odoo_command(demo_database, "--log-level=warn", subcommand="shell"),
        input=FACTS,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    line = next(
        (row for row in shell.stdout.splitlines() if row.startswith("FACTS")), None
    )
    assert line, shell.stdout + shell.stderr
    facts = json.loads(line.removeprefix("FACTS"))

    # A Polish company: Polish chart of accounts, PLN, NIP, a Polish address.
    assert facts["country"] == "PL"
    assert facts["currency"] == "PLN"
    assert facts["chart"] == "pl"
    assert facts["vat"] == "PL7010203056"
    assert facts["city"] == "Warszawa"
    # Polish installed, the demo user reads in it.
    assert {"en_US", "pl_PL"} <= set(facts["languages"])
    assert facts["demo_user_lang"] == "pl_PL"
    # Customers with Polish accounts and NIPs, and with other EU accounts.
    polish = [c for c in facts["customers"] if c[0] == "PL" and c[1] == "PL"]
    assert polish and all(vat and vat.startswith("PL") for _, _, vat in polish)
    assert {c[0] for c in facts["customers"]} >= {"PL", "DE", "FR", "CZ"}
    # The cash position shows every connected account, with its freshness.
    assert len(facts["accounts"]) >= 4
    assert len(facts["cash_rows"]) == len(facts["accounts"])
    assert all(
        by == "sync" and at and not stale for _, by, at, stale in facts["cash_rows"]
    )
    # Reasons the matching wrote (run in English) read in Polish, Polish numbers.
    assert facts["reasons"]
    assert all("płatność częściowa" in reason for reason in facts["reasons"])
    assert any("," in reason and " z " in reason for reason in facts["reasons"])
