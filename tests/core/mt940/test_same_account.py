"""The import checks a statement's :25: against the journal's bank account,
however either is written."""

import pytest

from bank_api_sync_mt940.core.accounts import same_account
from bank_api_sync_mt940.core.parser import parse_file

from .conftest import sample

MBANK = "PL36 1140 2004 4601 6907 6581 8949"
GERMAN = "DE89 3704 0044 0532 0130 00"


@pytest.mark.parametrize(
    ("statement_account", "bank_account"),
    [
        ("PL36114020044601690765818949", MBANK),
        ("/PL36114020044601690765818949", "pl36-1140-2004-4601-6907-6581-8949"),
        ("36114020044601690765818949", MBANK),  # NRB: the IBAN without "PL"
        ("PL36114020044601690765818949", "36 1140 2004 4601 6907 6581 8949"),
        ("37040044/0532013000", GERMAN),  # BLZ/account
        ("37040044/532013000", GERMAN),  # the account without its zeros
        ("370400440532013000", GERMAN),  # the BBAN
        ("DE89370400440532013000", "37040044/0532013000"),
    ],
)
def test_the_same_account_written_differently(statement_account, bank_account):
    assert same_account(statement_account, bank_account)


@pytest.mark.parametrize(
    ("statement_account", "bank_account"),
    [
        ("PL36114020044601690765818949", "PL61109010140000071219812874"),
        ("36114020044601690765818948", MBANK),  # one digit off
        ("37040044/0532013001", GERMAN),
        ("12345678/0532013000", GERMAN),
        ("PL36114020044601690765818949", ""),
        (None, MBANK),
    ],
)
def test_other_accounts(statement_account, bank_account):
    assert not same_account(statement_account, bank_account)


def test_the_samples_accounts():
    german = parse_file(sample("german_iso885915.sta"))[0]
    assert same_account(german.account, GERMAN)
    mbank = parse_file(sample("mbank_cp1250.sta"))[0]
    assert same_account(mbank.account, MBANK)
