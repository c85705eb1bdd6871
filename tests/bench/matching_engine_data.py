"""Synthetic open items and bank lines with known answers, for the matching engine.

``generate_dataset(n_lines, n_items, seed)`` builds, deterministically for a
seed, a company's open receivables and payables and a stream of statement
lines, each with its ``Truth``: which items it pays (or that it is a bank fee,
or nothing at all), and the scenario that produced it. The scenarios carry the
noise real statements have: numbers written every which way or cut by line
wrapping, typos, missing references, equal amounts, partial payments, split
payments, RF references, virtual accounts, foreign currency, several invoices
paid at once, fees and unrelated lines.

``run_engine_benchmark(n_lines, n_items)`` indexes the items, matches the lines
and returns (and prints) the throughput and the precision / recall of the
automatic reconciliations against the truth. ``tests/bench/matching.py`` calls
it for the full benchmark; run this file directly for the engine alone::

    .venv/bin/python tests/bench/matching_engine_data.py [--quick]
"""

import argparse
import importlib
import random
import sys
import time
import types
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _load_engine():
    """``bank_api_sync.core.matching`` without Odoo (as tests/conftest.py does)."""
    if "bank_api_sync" not in sys.modules:
        package = types.ModuleType("bank_api_sync")
        package.__path__ = [str(REPO_ROOT / "bank_api_sync")]
        sys.modules["bank_api_sync"] = package
    return importlib.import_module("bank_api_sync.core.matching")


matching = _load_engine()

COMPANY_CURRENCY = "PLN"
COMPANY_VAT = "5260250274"
COMPANY_ACCOUNT = "PL27114020040000300201355387"
EUR_RATE = Decimal("4.30")
START = date(2026, 6, 1)
PERIOD_DAYS = 180
CENT = Decimal("0.01")

# Scenario -> share of the lines.
SCENARIOS = {
    "number": 30,
    "number_split_lines": 3,
    "rf_reference": 6,
    "vendor_number": 5,
    "split_payment": 5,
    "virtual_account": 8,
    "iban_amount": 7,
    "several_quoted": 3,
    "several_unquoted": 2,
    "partial": 4,
    "typo": 4,
    "same_amount_no_reference": 3,
    "foreign_currency": 4,
    "tolerance": 2,
    "fee_code": 3,
    "fee_keyword": 2,
    "noise": 9,
}
ROUND_AMOUNTS = [Decimal(v) for v in ("100.00", "250.00", "500.00", "1230.00")]


@dataclass(frozen=True)
class Truth:
    """What a line really is: ``kind`` is ``invoice``, ``invoices``,
    ``partial``, ``fee`` or ``none``; ``item_ids`` the items it pays."""

    scenario: str
    kind: str
    item_ids: frozenset = frozenset()


@dataclass
class Partner:
    id: int
    name: str
    vat: str
    iban: str
    virtual_account: str | None
    items: list = field(default_factory=list)


@dataclass
class Dataset:
    items: list
    lines: list
    context: object
    truth: dict
    rule: object


def default_rule():
    """The rule the benchmark measures: every signal, 1.00 written off at
    most, the default fee rule, default threshold."""
    return matching.MatchRule(
        rule_id="benchmark",
        tolerance_amount=Decimal("1.00"),
        fee_rules=(matching.DEFAULT_FEE_RULE,),
    )


def _in_pln(item) -> bool:
    return item.currency == COMPANY_CURRENCY


def _receivable(item) -> bool:
    return _in_pln(item) and item.kind == "receivable"


class _Generator:
    def __init__(self, n_lines: int, n_items: int, seed: int):
        self.rng = random.Random(seed)
        self.n_lines = n_lines
        self.n_items = n_items
        self.partners: list[Partner] = []
        self.items: list = []
        self.twins: list[tuple] = []  # pairs of items of one partner, same amount
        self.used: set = set()
        self.sequences: dict[tuple, int] = {}
        self.partner_ibans: dict[str, set[int]] = {}
        self.by_number: dict[str, list] | None = None  # once the items are made

    # --- items --------------------------------------------------------------

    def _digits(self, count: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(count))

    def _partners(self) -> None:
        count = max(8, self.n_items // 25)
        for number in range(1, count + 1):
            partner = Partner(
                id=number,
                name=f"Kontrahent {number} sp. z o.o.",
                vat=str(self.rng.randint(1, 9)) + self._digits(9),
                iban="PL" + self._digits(26),
                virtual_account=(
                    COMPANY_ACCOUNT[:-8] + f"{number:08d}"
                    if self.rng.random() < 0.3
                    else None
                ),
            )
            self.partners.append(partner)
            self.partner_ibans.setdefault(partner.iban, set()).add(partner.id)
        # A few accounts shared by two partners (a group's treasury pays for both).
        for partner in self.rng.sample(self.partners, max(1, count // 100)):
            other = self.rng.choice(self.partners)
            if other is not partner:
                self.partner_ibans[partner.iban].add(other.id)

    def _next_number(self, prefix: str, when: date) -> str:
        key = (prefix, when.year, when.month)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        sequence = self.sequences[key]
        if prefix == "INV":
            return f"INV/{when.year}/{when.month:02d}{sequence:05d}"
        return f"{prefix}/{when.year}/{when.month:02d}/{sequence:04d}"

    def _amount(self) -> Decimal:
        if self.rng.random() < 0.12:
            return self.rng.choice(ROUND_AMOUNTS)
        cents = int(self.rng.lognormvariate(11.5, 1.0))
        return Decimal(max(cents, 1000)).scaleb(-2).quantize(CENT)

    def _item(self, partner: Partner, amount: Decimal | None = None, when=None):
        rng = self.rng
        when = when or START + timedelta(days=rng.randrange(PERIOD_DAYS))
        payable = rng.random() < 0.15
        foreign = not payable and rng.random() < 0.08
        amount = amount or self._amount()
        number = self._next_number(
            "FZ" if payable else ("INV" if rng.random() < 0.3 else "FV"), when
        )
        reference, vendor_number = number, None
        if payable:
            vendor_number = f"{rng.randint(1, 9999)}/{when.month:02d}/{when.year}/S"
            reference = vendor_number
        elif rng.random() < 0.15:
            body = f"{len(self.items) + 1:09d}"
            reference = f"RF{matching.rf_check_digits(body)}{body}"
        sign = -1 if payable else 1
        residual_currency = None
        residual = sign * amount
        if foreign:
            residual_currency = residual
            residual = (residual * EUR_RATE).quantize(CENT)
        item = matching.OpenItem(
            id=len(self.items) + 1,
            move_id=len(self.items) + 1,
            move_name=number,
            partner_id=partner.id,
            partner_name=partner.name,
            partner_vat=partner.vat,
            kind=matching.PAYABLE if payable else matching.RECEIVABLE,
            date=when,
            due_date=when + timedelta(days=rng.choice((7, 14, 30))),
            amount_residual=residual,
            currency="EUR" if foreign else COMPANY_CURRENCY,
            amount_residual_currency=residual_currency,
            payment_reference=reference,
            ref=vendor_number,
        )
        self.items.append(item)
        partner.items.append(item)
        return item

    def _items(self) -> None:
        while len(self.items) < self.n_items:
            partner = self.rng.choice(self.partners)
            item = self._item(partner)
            if len(self.items) < self.n_items and self.rng.random() < 0.03:
                # Same customer, same amount, a few days apart: no amount or
                # date tells them apart.
                close = item.date + timedelta(days=self.rng.randrange(0, 15))
                twin = self._item(partner, abs(item.residual_in_currency), close)
                if twin.kind == item.kind and twin.currency == item.currency:
                    self.twins.append((item, twin))

    # --- lines ----------------------------------------------------------------

    def _names_same_amount(self, number: str, item) -> bool:
        """Whether an item numbered ``number`` is open for ``item``'s amount."""
        if self.by_number is None:
            self.by_number = {}
            for other in self.items:
                self.by_number.setdefault(other.move_name, []).append(other)
        return any(
            other.amount_residual == item.amount_residual
            for other in self.by_number.get(number, ())
        )

    def _take(self, accept, tries: int = 60):
        """An unused item that ``accept`` likes (a few random tries)."""
        for _ in range(tries):
            item = self.rng.choice(self.items)
            if item.id not in self.used and accept(item):
                self.used.add(item.id)
                return item
        return None

    def _partner(self, item) -> Partner:
        return self.partners[item.partner_id - 1]

    def _number_text(self, number: str) -> str:
        """The number as a payer might write it."""
        rng = self.rng
        parts = number.split("/")
        style = rng.randrange(6)
        if style == 1:
            text = number.lower()
        elif style == 2:
            text = " ".join(parts)
        elif style == 3:
            text = parts[0] + " " + "-".join(p.lstrip("0") or "0" for p in parts[1:])
        elif style == 4:
            text = parts[0] + "/" + "/".join(p.lstrip("0") or "0" for p in parts[1:])
        elif style == 5:
            text = "".join(parts)
        else:
            text = number
        prefix = rng.choice(("", "Faktura ", "Zapłata za ", "FAKTURA NR ", "za fv "))
        return prefix + text

    def _title_tail(self, amount: Decimal) -> str:
        return self.rng.choice(
            ("", " dziękujemy", f" kwota {abs(amount):.2f}".replace(".", ","), " 2026")
        )

    def _line(self, amount: Decimal, title: str, **values):
        number = len(self.lines) + 1
        values.setdefault("currency", COMPANY_CURRENCY)
        values.setdefault("receiving_account", COMPANY_ACCOUNT)
        when = values.pop("when", START + timedelta(days=self.rng.randrange(30, 200)))
        return matching.StatementLine(
            id=number, date=when, amount=amount, payment_ref=title, **values
        )

    def _payer(self, item, chance: float = 0.6) -> dict:
        partner = self._partner(item)
        if self.rng.random() < chance:
            return {"counterparty_iban": partner.iban}
        return {}

    def _pay_date(self, *items) -> date:
        latest = max(item.date for item in items)
        return latest + timedelta(days=self.rng.randrange(0, 40))

    # One method per scenario: (line, truth), or None when the data has no
    # item fit for it (the caller then makes a noise line).

    def _quoted(self, scenario: str):
        """The invoice number in the title, in any style: paid exactly, a few
        cents short (tolerance), in part, or with the title wrapped."""
        rng = self.rng
        item = self._take(_in_pln)
        if item is None:
            return None
        text = self._number_text(item.move_name)
        if scenario == "number_split_lines":
            cut = rng.randrange(2, len(item.move_name) - 1)
            text = f"Zapłata za fakturę {item.move_name[:cut]}\n{item.move_name[cut:]}"
        amount, kind = item.amount_residual, "invoice"
        if scenario == "tolerance":
            shortfall = Decimal(rng.randint(1, 50)).scaleb(-2)
            amount -= shortfall if amount > 0 else -shortfall
        elif scenario == "partial":
            amount = (amount * Decimal(rng.randint(30, 90)) / 100).quantize(CENT)
            kind = "partial"
        line = self._line(
            amount,
            text + self._title_tail(amount),
            when=self._pay_date(item),
            **self._payer(item),
        )
        return line, Truth(scenario, kind, frozenset({item.id}))

    def _rf_reference(self, scenario: str):
        item = self._take(
            lambda item: _receivable(item)
            and (item.payment_reference or "").startswith("RF")
        )
        if item is None:
            return None
        reference = item.payment_reference
        printed = " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))
        title = self.rng.choice((printed, reference, f"Płatność {printed} dziękujemy"))
        line = self._line(item.amount_residual, title, when=self._pay_date(item))
        return line, Truth(scenario, "invoice", frozenset({item.id}))

    def _vendor_number(self, scenario: str):
        item = self._take(lambda item: item.kind == "payable")
        if item is None:
            return None
        line = self._line(
            item.amount_residual,
            f"Faktura {item.ref}",
            when=self._pay_date(item),
            counterparty_iban=self._partner(item).iban,
        )
        return line, Truth(scenario, "invoice", frozenset({item.id}))

    def _split_payment(self, scenario: str):
        item = self._take(_in_pln)
        if item is None:
            return None
        vat = (abs(item.amount_residual) * 23 / 123).quantize(CENT)
        vat_text = f"{vat:.2f}".replace(".", ",")
        receivable = item.kind == "receivable"
        nip = COMPANY_VAT if receivable else self._partner(item).vat
        number = item.move_name if receivable else item.ref
        title = f"/VAT/{vat_text}/IDC/{nip}/INV/{number}/TXT/zaplata"
        if self.rng.random() < 0.3:
            title = title.lower().replace("/", " / ")
        line = self._line(item.amount_residual, title, when=self._pay_date(item))
        return line, Truth(scenario, "invoice", frozenset({item.id}))

    def _virtual_account(self, scenario: str):
        item = self._take(
            lambda item: _receivable(item)
            and self._partner(item).virtual_account is not None
        )
        if item is None:
            return None
        line = self._line(
            item.amount_residual,
            self.rng.choice(("Zapłata", "przelew", "Faktura", "płatność za towar")),
            when=self._pay_date(item),
            receiving_account=self._partner(item).virtual_account,
        )
        return line, Truth(scenario, "invoice", frozenset({item.id}))

    def _no_usable_reference(self, scenario: str):
        """No reference (``iban_amount``) or a number with a wrong digit
        (``typo``): only the payer's account and the amount can help."""
        rng = self.rng
        item = self._take(_receivable)
        if item is None:
            return None
        title = rng.choice(("Zapłata", "przelew środków", "płatność"))
        if scenario == "typo":
            number = item.move_name
            position = max(i for i, char in enumerate(number) if char.isdigit())
            shift = rng.randint(1, 9)
            # A typo landing on another open item of the same amount is no
            # typo but a title naming that item, which any matcher follows:
            # the next digits are tried (without drawing from rng, so the
            # rest of the dataset stays the same).
            for extra in range(9):
                digit = (int(number[position]) + 1 + (shift - 1 + extra) % 9) % 10
                typo = number[:position] + str(digit) + number[position + 1 :]
                if not self._names_same_amount(typo, item):
                    break
            title = "Faktura " + typo
        line = self._line(
            item.amount_residual,
            title,
            when=self._pay_date(item),
            **self._payer(item, chance=1.0 if scenario == "iban_amount" else 0.5),
        )
        return line, Truth(scenario, "invoice", frozenset({item.id}))

    def _several(self, scenario: str):
        """Two or three invoices of one customer paid at once, quoted or not."""
        rng = self.rng
        first = self._take(_receivable)
        if first is None:
            return None
        partner = self._partner(first)
        others = [
            item
            for item in partner.items
            if item.id not in self.used and _receivable(item)
        ]
        rng.shuffle(others)
        chosen = [first, *others[: rng.randint(1, 2)]]
        if len(chosen) < 2:
            self.used.discard(first.id)
            return None
        self.used.update(item.id for item in chosen)
        amount = sum((item.amount_residual for item in chosen), Decimal(0))
        if scenario == "several_quoted":
            title = "Faktury " + ", ".join(
                self._number_text(item.move_name) for item in chosen
            )
            payer = self._payer(first)
        else:
            title, payer = "Zapłata za faktury", {"counterparty_iban": partner.iban}
        line = self._line(amount, title, when=self._pay_date(*chosen), **payer)
        return line, Truth(scenario, "invoices", frozenset(i.id for i in chosen))

    def _same_amount_no_reference(self, scenario: str):
        """One of two invoices of a customer with the same amount, no reference."""
        for first, second in self.rng.sample(self.twins, min(len(self.twins), 20)):
            if {first.id, second.id} & self.used or not _receivable(first):
                continue
            self.used.add(first.id)
            line = self._line(
                first.amount_residual,
                "Zapłata",
                when=self._pay_date(first, second),
                counterparty_iban=self._partner(first).iban,
            )
            return line, Truth(scenario, "invoice", frozenset({first.id}))
        return None

    def _foreign_currency(self, scenario: str):
        """A EUR invoice paid in EUR into the PLN account, at the day's rate."""
        item = self._take(lambda item: item.currency == "EUR")
        if item is None:
            return None
        rate = EUR_RATE + Decimal(self.rng.randint(-20, 20)).scaleb(-2)
        paid = item.amount_residual_currency
        line = self._line(
            (paid * rate).quantize(CENT),
            self._number_text(item.move_name),
            when=self._pay_date(item),
            amount_currency=paid,
            foreign_currency="EUR",
        )
        return line, Truth(scenario, "invoice", frozenset({item.id}))

    def _fee(self, scenario: str):
        amount = -Decimal(self.rng.randint(100, 2500)).scaleb(-2)
        if scenario == "fee_code":
            line = self._line(
                amount, "Opłata za przelew SORBNET", transaction_code="NCHG"
            )
        else:
            title = self.rng.choice(
                ("Prowizja za przelew natychmiastowy", "Opłata za prowadzenie rachunku")
            )
            line = self._line(amount, title)
        return line, Truth(scenario, "fee")

    def _noise(self, scenario: str = "noise"):
        """Money that pays no open item: odd cents, unknown payer."""
        rng = self.rng
        amount = Decimal(rng.randint(1000, 9_999_999)).scaleb(-2) + Decimal("0.07")
        title = rng.choice(
            ("Wpłata własna", "Zwrot kaucji", "Przelew", "Lokata 2026/11")
        )
        line = self._line(
            amount if rng.random() < 0.7 else -amount,
            title,
            counterparty_iban="PL" + self._digits(26),
        )
        return line, Truth("noise", "none")

    def _scenario(self, scenario: str):
        makers = {
            "number": self._quoted,
            "number_split_lines": self._quoted,
            "tolerance": self._quoted,
            "partial": self._quoted,
            "rf_reference": self._rf_reference,
            "vendor_number": self._vendor_number,
            "split_payment": self._split_payment,
            "virtual_account": self._virtual_account,
            "iban_amount": self._no_usable_reference,
            "typo": self._no_usable_reference,
            "several_quoted": self._several,
            "several_unquoted": self._several,
            "same_amount_no_reference": self._same_amount_no_reference,
            "foreign_currency": self._foreign_currency,
            "fee_code": self._fee,
            "fee_keyword": self._fee,
            "noise": self._noise,
        }
        return makers[scenario](scenario) or self._noise()

    def build(self) -> Dataset:
        self._partners()
        self._items()
        self.lines, truth = [], {}
        names, weights = zip(*SCENARIOS.items(), strict=True)
        while len(self.lines) < self.n_lines:
            scenario = self.rng.choices(names, weights)[0]
            line, line_truth = self._scenario(scenario)
            self.lines.append(line)
            truth[line.id] = line_truth
        context = matching.MatchContext(
            company_currency=COMPANY_CURRENCY,
            today=START + timedelta(days=PERIOD_DAYS + 30),
            partner_ibans={
                iban: frozenset(ids) for iban, ids in self.partner_ibans.items()
            },
            virtual_accounts={
                partner.virtual_account: partner.id
                for partner in self.partners
                if partner.virtual_account
            },
            company_vat=COMPANY_VAT,
        )
        return Dataset(self.items, self.lines, context, truth, default_rule())


def generate_dataset(n_lines: int, n_items: int, seed: int = 2026) -> Dataset:
    """Items and lines with their truth; the same seed gives the same data."""
    return _Generator(n_lines, n_items, seed).build()


def _predicted(result) -> tuple[str, frozenset] | None:
    """What the engine would do without a person: (kind, item ids) or None."""
    if result.fee is not None and result.fee.auto:
        return "fee", frozenset()
    proposal = result.auto_proposal
    if proposal is None:
        return None
    kind = "partial" if proposal.kind == matching.Kind.PARTIAL else "invoice"
    if proposal.kind == matching.Kind.INVOICES:
        kind = "invoices"
    return kind, frozenset(proposal.item_ids)


def score(dataset: Dataset, results) -> dict:
    """Precision and recall of the automatic decisions against the truth, and
    how often the best proposal is the right one (whether automatic or not)."""
    automatic = correct = expected = best_right = best_expected = 0
    per_scenario: dict[str, list[int]] = {}
    wrong: list[tuple] = []
    for result in results:
        truth = dataset.truth[result.line_id]
        predicted = _predicted(result)
        right = predicted is not None and predicted == (truth.kind, truth.item_ids)
        counts = per_scenario.setdefault(truth.scenario, [0, 0, 0])
        counts[0] += 1
        if truth.kind != "none":
            expected += 1
        if predicted is not None:
            automatic += 1
            counts[1] += 1
            if right:
                correct += 1
                counts[2] += 1
            else:
                wrong.append((truth, result))
        if truth.item_ids:
            best_expected += 1
            best = result.best
            if best is not None and frozenset(best.item_ids) == truth.item_ids:
                best_right += 1
    return {
        "auto": automatic,
        "correct": correct,
        "precision": correct / automatic if automatic else 1.0,
        "recall": correct / expected if expected else 1.0,
        "best_proposal_recall": best_right / best_expected if best_expected else 1.0,
        "per_scenario": per_scenario,
        "wrong": wrong,
    }


def run_engine_benchmark(
    n_lines: int = 10_000,
    n_items: int = 50_000,
    *,
    seed: int = 2026,
    rule=None,
    verbose: bool = True,
) -> dict:
    """Generate, index, match and score; returns the figures (and prints them
    when ``verbose``). Keys: lines, items, generate_s, index_s, match_s,
    lines_per_s, precision, recall, best_proposal_recall, auto, correct."""
    started = time.perf_counter()
    dataset = generate_dataset(n_lines, n_items, seed)
    generated = time.perf_counter()
    engine = matching.MatchingEngine(dataset.items, dataset.context)
    indexed = time.perf_counter()
    results = engine.match_lines(dataset.lines, rule or dataset.rule)
    matched = time.perf_counter()
    figures = score(dataset, results)
    figures.update(
        lines=n_lines,
        items=n_items,
        generate_s=generated - started,
        index_s=indexed - generated,
        match_s=matched - indexed,
        lines_per_s=n_lines / (matched - indexed) if matched > indexed else 0.0,
    )
    if verbose:
        _report(figures)
    return figures


def _report(figures: dict) -> None:
    print(f"matching engine: {figures['lines']} lines x {figures['items']} open items")
    print(
        f"  index {figures['index_s']:.2f} s, match {figures['match_s']:.2f} s "
        f"= {figures['lines_per_s']:,.0f} lines/s"
    )
    print(
        f"  automatic {figures['auto']} lines, {figures['correct']} right: "
        f"precision {figures['precision']:.4f}, recall {figures['recall']:.4f}; "
        f"best proposal right for {figures['best_proposal_recall']:.2%} of payments"
    )
    print("  scenario                  lines   auto  right")
    for scenario, (lines, auto, right) in sorted(figures["per_scenario"].items()):
        print(f"  {scenario:<24} {lines:>6} {auto:>6} {right:>6}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 x 5,000")
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args(argv)
    lines, items = (
        (1_000, 5_000) if arguments.quick else (arguments.lines, arguments.items)
    )
    figures = run_engine_benchmark(lines, items, seed=arguments.seed)
    print(
        "RESULT name=matching_engine "
        f"lines={lines} items={items} lines_per_s={figures['lines_per_s']:.0f} "
        f"index_s={figures['index_s']:.2f} precision={figures['precision']:.4f} "
        f"recall={figures['recall']:.4f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
