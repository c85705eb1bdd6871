"""What a go-live would have done over a pilot period.

A journal in pilot mode imports and matches its bank lines but reconciles
nothing. Each line ends the matching in one of four places: the matching was
sure (a go-live would have reconciled it on its own), it has a proposal for a
person (to review), it has none, or a person reconciled it meanwhile. These
figures add a period's lines up per journal and currency, and in total per
currency (amounts of different currencies are never added), and give the
share that would have been automatic over every line counted.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

AUTOMATIC = "automatic"
REVIEW = "review"
NO_PROPOSAL = "no_proposal"
RECONCILED = "reconciled"
OUTCOMES = (AUTOMATIC, REVIEW, NO_PROPOSAL, RECONCILED)


@dataclass(frozen=True)
class PilotLine:
    """One bank line of the period, as the pilot left it."""

    journal_id: int
    currency: str
    amount: Decimal
    outcome: str
    is_fee: bool = False

    def __post_init__(self):
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown pilot outcome {self.outcome!r}")


@dataclass
class PilotRow:
    """The figures of one journal (``None``: the total) in one currency.
    Amounts are the lines' absolute amounts: money in and out both count."""

    journal_id: int | None
    currency: str
    lines: int = 0
    counts: dict = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    amounts: dict = field(default_factory=lambda: dict.fromkeys(OUTCOMES, Decimal("0")))
    fees: int = 0
    fee_amount: Decimal = Decimal("0")

    def add(self, line: PilotLine):
        amount = abs(line.amount)
        self.lines += 1
        self.counts[line.outcome] += 1
        self.amounts[line.outcome] += amount
        if line.is_fee:
            self.fees += 1
            self.fee_amount += amount

    @property
    def automatic_share(self) -> float:
        """Lines a go-live would have reconciled on its own, over every line."""
        return self.counts[AUTOMATIC] / self.lines if self.lines else 0.0


@dataclass
class PilotFigures:
    rows: list  # PilotRow per journal and currency, then totals per currency
    lines: int
    automatic: int

    @property
    def automatic_share(self) -> float:
        return self.automatic / self.lines if self.lines else 0.0


def pilot_figures(lines) -> PilotFigures:
    """The period's figures: a row per journal and currency (in the order the
    journals first come), then a total row per currency (``journal_id``
    ``None``), and the count and share over all currencies."""
    per_journal, totals = {}, {}
    count = automatic = 0
    for line in lines:
        key = (line.journal_id, line.currency)
        if key not in per_journal:
            per_journal[key] = PilotRow(line.journal_id, line.currency)
        per_journal[key].add(line)
        if line.currency not in totals:
            totals[line.currency] = PilotRow(None, line.currency)
        totals[line.currency].add(line)
        count += 1
        automatic += line.outcome == AUTOMATIC
    total_rows = [totals[currency] for currency in sorted(totals)]
    return PilotFigures(
        rows=[*per_journal.values(), *total_rows], lines=count, automatic=automatic
    )


def period_bounds(
    date_from: date | None, date_to: date | None, tz_name: str
) -> tuple[datetime | None, datetime | None]:
    """The naive UTC instants (as Odoo stores them) a period of the user's
    days starts and ends at: from ``date_from``'s midnight to the midnight
    after ``date_to``, in the user's time zone; ``None`` for an open end."""
    zone = ZoneInfo(tz_name or "UTC")

    def utc_midnight(day):
        local = datetime.combine(day, time.min, tzinfo=zone)
        return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    start = utc_midnight(date_from) if date_from else None
    end = utc_midnight(date_to + timedelta(days=1)) if date_to else None
    return start, end
