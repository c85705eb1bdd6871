"""The Sandbox Bank serves a stand-in of the Ministry of Finance's VAT white
list beside its bank API: the register's paths, answers and error codes,
asked by the payments' own client over real HTTP."""

import pytest
import requests

from bank_api_sync_payment.core.whitelist import WhiteListClient, WhiteListError
from bank_api_sync_sandbox.core.sandbox import SandboxBank
from bank_api_sync_sandbox.core.sandbox.whitelist import SANDBOX_TAXPAYERS

from .sandbox_support import START, Clock

NIP, LISTED, _NAME = SANDBOX_TAXPAYERS[0]
OTHER_NIP, OTHER_ACCOUNT, _OTHER = SANDBOX_TAXPAYERS[1]


@pytest.fixture
def bank():
    with SandboxBank(seed=3, port=0, now=Clock(START), per_day=1) as bank:
        yield bank


def get(bank, path):
    response = requests.get(bank.url + path, timeout=5)
    return response.status_code, response.json()


def test_a_supplier_of_the_sandbox_world_is_on_the_list(bank):
    client = WhiteListClient(bank.url, timeout=5)
    answer = client.check(NIP, LISTED, START.date())
    assert answer.assigned is True
    assert len(answer.request_id) > 5
    assert client.check(NIP, OTHER_ACCOUNT, START.date()).assigned is False
    # Another id for every answer: each is a proof of its own question.
    assert client.check(NIP, LISTED, START.date()).request_id != answer.request_id


def test_a_registered_account_is_listed_and_asked_without_bank_credentials(bank):
    bank.whitelist.register("7740001454", "PL10105000997603123456789123", "Kowalski")
    client = WhiteListClient(bank.url, timeout=5)
    assert client.check("7740001454", "PL10105000997603123456789123", START.date())
    assert bank.whitelist.requests[-1][0] == (
        "/api/check/nip/7740001454/bank-account/10105000997603123456789123"
    )


def test_searches_by_nip_and_by_account(bank):
    day = START.date().isoformat()
    status, body = get(bank, f"/api/search/nip/{NIP}?date={day}")
    assert status == 200
    assert body["result"]["subject"]["accountNumbers"] == [LISTED[2:]]
    assert body["result"]["requestId"]
    status, body = get(bank, f"/api/search/bank-account/{OTHER_ACCOUNT[2:]}?date={day}")
    assert [subject["nip"] for subject in body["result"]["subjects"]] == [OTHER_NIP]
    status, body = get(bank, f"/api/search/bank-account/{LISTED[2:]}?date={day}")
    assert [subject["nip"] for subject in body["result"]["subjects"]] == [NIP]


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (f"/api/check/nip/{NIP}/bank-account/{LISTED[2:]}", "WL-101"),
        (f"/api/check/nip/{NIP}/bank-account/{LISTED[2:]}?date=3.12.2026", "WL-102"),
        (f"/api/check/nip/{NIP}/bank-account/{LISTED[2:]}?date=2026-11-19", "WL-103"),
        (f"/api/check/nip/{NIP}/bank-account/{LISTED[3:]}1?date=2026-11-18", "WL-111"),
        (
            f"/api/check/nip/5213017229/bank-account/{LISTED[2:]}?date=2026-11-18",
            "WL-115",
        ),
        ("/api/elsewhere?date=2026-11-18", "WL-190"),
    ],
)
def test_wrong_questions_get_the_registers_codes(bank, path, code):
    status, body = get(bank, path)
    assert (status, body["code"]) == (400, code)


def test_the_days_limit_is_the_registers_wl_191(bank):
    bank.whitelist.daily_limit = 1
    client = WhiteListClient(bank.url, timeout=5)
    client.check(NIP, LISTED, START.date())
    with pytest.raises(WhiteListError, match="WL-191") as raised:
        client.check(NIP, LISTED, START.date())
    assert raised.value.retryable
