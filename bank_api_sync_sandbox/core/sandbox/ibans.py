"""Valid-looking identifiers for the sandbox: IBANs (mod 97) and Polish NIPs."""

# BBAN length per country, for the foreign counterparties the sandbox invents.
BBAN_LENGTH = {"PL": 24, "DE": 18, "AT": 16, "CZ": 20, "FR": 23, "SK": 20}

# Polish bank ids (first three digits of the sort code).
POLISH_BANKS = ("102", "105", "109", "114", "124", "249", "116", "160")


def _letters_to_digits(text: str) -> str:
    return "".join(str(int(char, 36)) for char in text)


def iban_check_digits(country: str, bban: str) -> str:
    number = int(_letters_to_digits(bban + country.upper() + "00"))
    return f"{98 - number % 97:02d}"


def make_iban(country: str, bban: str) -> str:
    return f"{country.upper()}{iban_check_digits(country, bban)}{bban}"


def is_valid_iban(iban: str) -> bool:
    iban = iban.replace(" ", "").upper()
    if len(iban) < 15 or not iban[:2].isalpha() or not iban[2:4].isdigit():
        return False
    expected = BBAN_LENGTH.get(iban[:2])
    if expected is not None and len(iban) != expected + 4:
        return False
    return int(_letters_to_digits(iban[4:] + iban[:4])) % 97 == 1


def polish_sort_code(bank: str, branch: str) -> str:
    """Eight-digit Polish sort code: bank (3) + branch (4) + weighted check digit."""
    digits = bank + branch
    weights = (3, 9, 7, 1, 3, 9, 7)
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=True))
    return digits + str((10 - total % 10) % 10)


def polish_iban(bank: str, branch: str, account: str) -> str:
    """PLkk + sort code + 16-digit account number."""
    return make_iban("PL", polish_sort_code(bank, branch) + account.zfill(16))


def random_iban(rng, country: str = "PL") -> str:
    if country == "PL":
        bank = rng.choice(POLISH_BANKS)
        branch = f"{rng.randrange(10000):04d}"
        account = "".join(str(rng.randrange(10)) for _ in range(16))
        return polish_iban(bank, branch, account)
    length = BBAN_LENGTH[country]
    return make_iban(country, "".join(str(rng.randrange(10)) for _ in range(length)))


def random_nip(rng) -> str:
    """A ten-digit Polish tax id whose check digit is right."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    while True:
        digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(8)]
        check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def is_valid_nip(nip: str) -> bool:
    if len(nip) != 10 or not nip.isdigit():
        return False
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    check = sum(int(d) * w for d, w in zip(nip[:9], weights, strict=True)) % 11
    return check != 10 and check == int(nip[9])
