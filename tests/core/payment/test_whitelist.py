from datetime import date

import pytest

from bank_api_sync_payment.core.fake_whitelist import FakeWhiteList, FakeWhiteListServer
from bank_api_sync_payment.core.whitelist import (
    WhiteListCache,
    WhiteListClient,
    WhiteListError,
)

TODAY = date(2026, 12, 3)
NIP = "5260250274"
LISTED = "PL21102028920000000000001234"
UNLISTED = "PL91116022020000000123456789"


@pytest.fixture
def register():
    fake = FakeWhiteList(today=lambda: TODAY)
    fake.register(NIP, LISTED, "Dostawca S.A.")
    server = FakeWhiteListServer(fake).start()
    yield fake, WhiteListClient(server.url, timeout=5)
    server.stop()


def test_listed_account_is_assigned_with_the_request_id_as_proof(register):
    fake, client = register
    answer = client.check(NIP, LISTED, TODAY)
    assert answer.assigned is True
    assert answer.account == LISTED[2:]
    assert len(answer.request_id) > 5
    assert fake.requests == [
        (f"/api/check/nip/{NIP}/bank-account/{LISTED[2:]}", {"date": "2026-12-03"})
    ]


def test_unlisted_account_is_not_assigned(register):
    _fake, client = register
    assert client.check(NIP, UNLISTED, TODAY).assigned is False


def test_a_date_in_the_future_is_the_registers_wl_103(register):
    _fake, client = register
    with pytest.raises(WhiteListError, match="WL-103") as raised:
        client.check(NIP, LISTED, date(2026, 12, 4))
    assert not raised.value.retryable


def test_used_up_daily_limit_is_retryable(register):
    fake, client = register
    fake.daily_limit = 1
    client.check(NIP, LISTED, TODAY)
    with pytest.raises(WhiteListError, match="WL-191") as raised:
        client.check(NIP, UNLISTED, TODAY)
    assert raised.value.retryable


def test_cache_asks_once_per_pair_and_day(register):
    fake, client = register
    cache = WhiteListCache(client)
    first = cache.answer(NIP, LISTED, TODAY)
    again = cache.answer(NIP, "PL21 1020 2892 0000 0000 0000 1234", TODAY)
    assert again is first
    cache.answer(NIP, UNLISTED, TODAY)
    assert len(fake.requests) == 2
    assert len(cache.fresh) == 2


def test_cache_refuses_a_batch_that_would_pass_the_daily_limit(register):
    fake, client = register
    cache = WhiteListCache(client, daily_limit=3, used_today=2)
    with pytest.raises(WhiteListError, match="limit of 3") as raised:
        cache.ensure_room([(NIP, LISTED), (NIP, UNLISTED)], TODAY)
    assert raised.value.retryable
    assert fake.requests == []
    cache.ensure_room([(NIP, LISTED), (NIP, LISTED)], TODAY)


class HostileRegister(FakeWhiteList):
    def __init__(self, payload, status=200):
        super().__init__(today=lambda: TODAY)
        self.payload, self.status = payload, status

    def answer(self, path, query):
        return self.status, self.payload


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"result": {"accountAssigned": "MAYBE", "requestId": "x"}}, "accountAssigned"),
        ({"result": {"accountAssigned": "TAK", "requestId": "x\n" * 50}}, "requestId"),
        ({"nothing": 1}, "no result"),
        ({"result": {"accountAssigned": "TAK", "requestId": "a" * 100_000}}, "bytes"),
    ],
)
def test_an_answer_that_cannot_be_right_is_refused(payload, problem):
    server = FakeWhiteListServer(HostileRegister(payload)).start()
    try:
        with pytest.raises(WhiteListError, match=problem):
            WhiteListClient(server.url, timeout=5).check(NIP, LISTED, TODAY)
    finally:
        server.stop()


def test_an_unreachable_register_is_retryable():
    server = FakeWhiteListServer(FakeWhiteList()).start()
    url = server.url
    server.stop()
    with pytest.raises(WhiteListError, match="cannot be reached") as raised:
        WhiteListClient(url, timeout=2).check(NIP, LISTED, TODAY)
    assert raised.value.retryable


def test_only_polish_pairs_are_asked(register):
    fake, client = register
    with pytest.raises(WhiteListError, match="only knows Polish"):
        client.check(NIP, "DE89370400440532013000", TODAY)
    assert fake.requests == []


def test_a_slow_register_stops_the_batch_and_keeps_what_it_answered(register):
    fake, client = register
    now = [0.0]
    cache = WhiteListCache(client, batch_seconds=10, clock=lambda: now[0])
    cache.answer(NIP, LISTED, TODAY)
    now[0] = 11.0
    with pytest.raises(WhiteListError, match="1 accounts were checked") as raised:
        cache.answer(NIP, UNLISTED, TODAY)
    assert raised.value.retryable
    assert [answer.account for answer in cache.fresh] == [LISTED[2:]]
    assert len(fake.requests) == 1
