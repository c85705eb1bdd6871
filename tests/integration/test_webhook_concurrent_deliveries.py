"""Two copies of one webhook delivery arriving at the same moment, on a real
Odoo with workers: both are answered 200 and the event is stored once.

Banks and aggregators retry a delivery whose answer they did not get in time,
so the same `webhook-id` can be in flight twice. PostgreSQL then aborts one
copy's insert (serialization failure) and Odoo runs that request again: the
copy must be treated as a replay, not refused as unsigned (a refusal counts
towards blocking the connection and makes the sender retry again).
"""

import base64
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import requests
from standardwebhooks.webhooks import Webhook

pytestmark = pytest.mark.odoo

DELIVERIES = 30
REQUEST_TIMEOUT = 60


@pytest.fixture
def webhook_server(odoo_ready):
    import odoo_server  # setup/, put on the path by conftest.py

    database = f"bank_api_sync_webhook_race_{os.getpid()}"
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    process = None
    try:
        setup = odoo_server.prepare_webhook_database(database, secret)
        process, base_url = odoo_server.start_odoo(database, workers=2)
        yield {
            "url": f"{base_url}/bank_api_sync/webhook/{setup['token']}",
            "secret": secret,
            "database": database,
            "connection_id": setup["connection_id"],
        }
    finally:
        odoo_server.stop_odoo(process)
        odoo_ready.drop_database(database)


def signed_copy(secret, webhook_id):
    body = (
        '{"type": "balance.updated", "data": {"account_id": "acc-1", "balances": '
        '[{"balanceType": "closingBooked", "amount": "10.00", "currency": "EUR", '
        '"referenceDate": "2026-12-01"}]}}'
    )
    now = datetime.now(UTC)
    headers = {
        "Content-Type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, now, body),
    }
    return body, headers


def send_twice_at_once(url, secret, webhook_id):
    """Both copies leave together (a barrier), each on its own connection."""
    body, headers = signed_copy(secret, webhook_id)
    barrier = threading.Barrier(2)

    def one():
        with requests.Session() as session:
            barrier.wait(timeout=REQUEST_TIMEOUT)
            return session.post(
                url, data=body, headers=headers, timeout=REQUEST_TIMEOUT
            ).status_code

    with ThreadPoolExecutor(2) as pool:
        return [future.result() for future in [pool.submit(one), pool.submit(one)]]


def test_the_same_delivery_twice_at_once_is_stored_once_and_never_refused(
    odoo_ready, webhook_server
):
    ids = [f"msg_race_{index:03d}" for index in range(DELIVERIES)]
    answers = {
        webhook_id: send_twice_at_once(
            webhook_server["url"], webhook_server["secret"], webhook_id
        )
        for webhook_id in ids
    }

    not_ok = {key: codes for key, codes in answers.items() if codes != [200, 200]}
    assert not not_ok, f"copies not answered 200: {not_ok}"
    stored = odoo_ready.psql(
        "SELECT delivery_id FROM bank_api_webhook_event WHERE connection_id = "  # noqa: S608 (an int)
        f"{int(webhook_server['connection_id'])} ORDER BY delivery_id",
        database=webhook_server["database"],
    ).splitlines()
    assert stored == ids, "each delivery must be stored exactly once"
    refusals = odoo_ready.psql(
        "SELECT count(*) FROM bank_api_webhook_rejection",
        database=webhook_server["database"],
    )
    assert refusals == "0", "a concurrent copy was recorded as a refused attempt"
