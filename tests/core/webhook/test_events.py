from datetime import date
from decimal import Decimal

import pytest

from bank_api_sync_webhook.core.events import (
    MalformedEventError,
    event_balances,
    parse_event,
)


def test_a_balance_event_gives_its_account_and_balances():
    event = parse_event(
        b'{"type": "balance.updated", "data": {"account_id": "acc-1", "balances": '
        b'[{"balanceType": "closingBooked", "amount": "12.30", "currency": "PLN", '
        b'"referenceDate": "2026-11-24"}]}}'
    )
    assert (event.event_type, event.account_id) == ("balance.updated", "acc-1")
    [balance] = event_balances(event)
    assert balance.amount == Decimal("12.30")
    assert balance.reference_date == date(2026, 11, 24)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1]",
        b'{"data": {}}',
        b'{"type": 3}',
        b'{"type": "x", "data": 1}',
        b'{"type": "x", "data": {"account_id": 7}}',
        b"\xff\xfe",
    ],
)
def test_a_body_that_is_no_event_is_malformed(body):
    with pytest.raises(MalformedEventError):
        parse_event(body)


@pytest.mark.parametrize(
    "balances",
    [
        b"[]",
        b'[{"amount": "1"}]',
        b'[{"balanceType": "x", "amount": "abc"}]',
        b'[{"balanceType": "x", "amount": "NaN"}]',
        b'[{"balanceType": "x", "amount": "1", "referenceDate": "24.11.2026"}]',
    ],
)
def test_balances_that_cannot_be_read_are_malformed(balances):
    event = parse_event(
        b'{"type": "balance.updated", "data": {"balances": ' + balances + b"}}"
    )
    with pytest.raises(MalformedEventError):
        event_balances(event)
