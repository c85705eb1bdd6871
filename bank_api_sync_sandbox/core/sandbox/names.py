"""Counterparties and wording of the sandbox ledger: invented, Polish-flavoured."""

from .ibans import random_iban, random_nip

SURNAMES = (
    "Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski",
    "Mazur", "Krawczyk", "Piotrowski", "Grabowski", "Pawłowski", "Michalski",
)  # fmt: skip
TRADES = (
    "Handel", "Serwis", "Logistyka", "Budownictwo", "Technologie", "Meble",
    "Consulting", "Trans", "Dystrybucja", "Produkcja", "Media", "Energia",
)  # fmt: skip
FORMS = ("Sp. z o.o.", "S.A.", "Sp.j.", "Sp.k.", "s.c.")
FIRST_NAMES = ("Jan", "Anna", "Piotr", "Katarzyna", "Tomasz", "Małgorzata", "Łukasz")
FOREIGN_COMPANIES = (
    ("Müller Maschinenbau GmbH", "DE"), ("Alpenland Handels GmbH", "AT"),
    ("Dupont Fournitures SARL", "FR"), ("Novák Strojírny s.r.o.", "CZ"),
    ("Tatra Komponenty s.r.o.", "SK"), ("Schneider Logistik GmbH", "DE"),
    ("Lumière Emballages SAS", "FR"), ("Brno Elektro a.s.", "CZ"),
)  # fmt: skip
MERCHANTS = (
    ("ORLEN STACJA NR {n}", "WARSZAWA"), ("BIEDRONKA {n}", "KRAKOW"),
    ("ALLEGRO.PL", "POZNAN"), ("MEDIA EXPERT {n}", "WROCLAW"),
    ("SHELL {n}", "GDANSK"), ("PKP INTERCITY", "WARSZAWA"),
    ("CASTORAMA {n}", "LODZ"), ("EMPIK {n}", "KATOWICE"),
    ("LOT POLISH AIRLINES", "WARSZAWA"), ("UBER *TRIP", "AMSTERDAM"),
)  # fmt: skip
COMMISSIONS = (
    "Prowizja za przelew natychmiastowy",
    "Opłata za prowadzenie rachunku",
    "Prowizja za przelew SORBNET",
    "Prowizja za przelew zagraniczny SWIFT",
    "Opłata za wyciąg papierowy",
)
CARD_FEES = ("Opłata za kartę debetową", "Opłata za wypłatę z bankomatu")


class Counterparty:
    __slots__ = ("country", "iban", "name", "nip")

    def __init__(self, name, iban, nip=None, country="PL"):
        self.name = name
        self.iban = iban
        self.nip = nip
        self.country = country


def _company_name(rng) -> str:
    if rng.random() < 0.25:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} PHU"
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.3:
        surname = f"{surname} i {rng.choice(SURNAMES)}"
    return f"{surname} {rng.choice(TRADES)} {rng.choice(FORMS)}"


def counterparty_pool(rng, size: int) -> list[Counterparty]:
    """``size`` Polish companies, each with a bank account and a NIP."""
    pool, names = [], set()
    while len(pool) < size:
        name = _company_name(rng)
        if name in names:
            continue
        names.add(name)
        pool.append(Counterparty(name, random_iban(rng, "PL"), random_nip(rng)))
    return pool


def foreign_pool(rng) -> list[Counterparty]:
    return [
        Counterparty(name, random_iban(rng, country), country=country)
        for name, country in FOREIGN_COMPANIES
    ]
