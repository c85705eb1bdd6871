import pytest

from bank_api_sync_payment.core.accounts import (
    AccountNumberError,
    checked_iban,
    nrb,
    polish_bank_code,
    polish_nip,
)


def test_polish_account_written_as_26_digits_is_its_iban():
    assert checked_iban("61 1090 1014 0000 0712 1981 2874") == (
        "PL61109010140000071219812874"
    )
    assert nrb("PL61 1090 1014 0000 0712 1981 2874") == "61109010140000071219812874"
    assert polish_bank_code("PL61109010140000071219812874") == "10901014"


@pytest.mark.parametrize(
    ("account", "problem"),
    [
        ("PL61109010140000071219812875", "checksum"),  # one digit mistyped
        ("DE8937040044053201300", "length"),  # one digit missing
        ("XX8937040044053201300", "country"),
    ],
)
def test_wrong_accounts_are_refused_saying_why(account, problem):
    with pytest.raises(AccountNumberError) as raised:
        checked_iban(account)
    assert account in str(raised.value)
    assert problem in str(raised.value).lower()


def test_missing_account_is_refused():
    with pytest.raises(AccountNumberError, match="no bank account"):
        checked_iban("  ")


def test_foreign_account_has_no_nrb():
    assert nrb("DE89370400440532013000") is None


@pytest.mark.parametrize(
    ("vat", "country", "nip"),
    [
        ("PL5260250274", None, "5260250274"),
        ("526-025-02-74", "PL", "5260250274"),
        ("5260250275", "PL", None),  # wrong check digit
        ("DE123456789", "DE", None),
        ("5260250274", "DE", None),  # digits, but another country's number
    ],
)
def test_polish_nip(vat, country, nip):
    assert polish_nip(vat, country) == nip
