"""Rules: what the engine may use and how bold it may be.

One ``MatchRule`` per Odoo reconcile model. The Odoo glue builds it from the
model's fields; ``rule_id`` carries the model's id back in every proposal.
"""

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from .model import PAYABLE, RECEIVABLE, Signal
from .normalize import strip_accents


class MatchConfigError(ValueError):
    """A rule is inconsistent; the message names the field to correct."""


def fold_text(text: str | None) -> str:
    """Lower-case, accent-free text for keyword search: ``Opłata`` → ``oplata``."""
    return strip_accents(text or "").lower()


@dataclass(frozen=True, kw_only=True)
class FeeRule:
    """Recognises bank fees and commissions.

    A line is a fee when its bank transaction code is one of
    ``transaction_codes`` (``NCHG``, ``NCOM`` or a bank's own code), or when its
    title contains one of ``keywords`` as whole words (accents and case
    ignored) and no invoice reference. ``outgoing_only`` limits the rule to
    money leaving the account and ``max_amount`` to small amounts, so that a
    customer's "opłata za fakturę" is never taken for a fee. ``reference`` is
    handed back in the ``FeeProposal`` (e.g. the account or model line to post
    on).
    """

    name: str
    transaction_codes: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    outgoing_only: bool = True
    max_amount: Decimal | None = None
    auto: bool = True
    reference: Hashable = None

    @cached_property
    def codes(self) -> frozenset[str]:
        return frozenset(code.strip().upper() for code in self.transaction_codes)

    @cached_property
    def keyword_pattern(self) -> re.Pattern | None:
        words = [fold_text(keyword).strip() for keyword in self.keywords]
        words = [re.escape(word).replace(r"\ ", r"\s+") for word in words if word]
        if not words:
            return None
        return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)")


DEFAULT_FEE_RULE = FeeRule(
    name="Bank fees",
    transaction_codes=frozenset({"NCHG", "NCOM"}),
    keywords=(
        "prowizja",
        "opłata za prowadzenie",
        "opłata bankowa",
        "bank fee",
        "bank charges",
        "commission",
        "gebühr",
        "kontoführung",
    ),
    max_amount=Decimal(500),
)


@dataclass(frozen=True, kw_only=True)
class MatchRule:
    """How one reconcile model matches.

    * ``signals``: the evidence the rule may use (``Signal.CONFIGURABLE``).
    * ``item_kinds``: receivable and/or payable items.
    * ``auto_threshold``: minimum confidence for ``Proposal.auto``;
      ``auto_margin``: how far the best proposal must be ahead of the second;
      ``auto_partial``: partial payments may be automatic too.
    * ``date_window_days``: amount-based matching (no reference) only considers
      items dated at most this many days after the line and due at most this
      many days before it (None: no limit).
    * ``tolerance_amount`` / ``tolerance_percent`` (of the residual): a
      difference this small is written off; when both are set both apply.
    * ``max_subset_size`` / ``max_candidates`` / ``subset_budget``: bounds of
      the search for several invoices paid together.
    * ``max_proposals``: how many proposals a line keeps.
    * ``fee_rules``: bank fee recognition, tried before invoice matching.
    """

    rule_id: Hashable = None
    name: str = "default"
    signals: frozenset[str] = Signal.CONFIGURABLE
    item_kinds: frozenset[str] = frozenset({RECEIVABLE, PAYABLE})
    auto_threshold: float = 0.9
    auto_margin: float = 0.1
    auto_partial: bool = False
    date_window_days: int | None = 90
    tolerance_amount: Decimal | None = None
    tolerance_percent: Decimal | None = None
    max_subset_size: int = 4
    max_candidates: int = 24
    subset_budget: int = 20_000
    max_proposals: int = 5
    fee_rules: tuple[FeeRule, ...] = field(default=())

    def __post_init__(self):
        unknown = set(self.signals) - Signal.CONFIGURABLE
        if unknown:
            raise MatchConfigError(
                f"rule {self.name!r}: unknown signals {sorted(unknown)}; "
                f"choose among {sorted(Signal.CONFIGURABLE)}"
            )
        if not set(self.item_kinds) <= {RECEIVABLE, PAYABLE}:
            raise MatchConfigError(
                f"rule {self.name!r}: item_kinds must be receivable and/or payable"
            )
        if not 0 <= self.auto_threshold <= 1 or not 0 <= self.auto_margin <= 1:
            raise MatchConfigError(
                f"rule {self.name!r}: auto_threshold and auto_margin lie in [0, 1]"
            )
        for name in ("tolerance_amount", "tolerance_percent"):
            value = getattr(self, name)
            if value is not None:
                value = Decimal(str(value))
                if value < 0:
                    raise MatchConfigError(f"rule {self.name!r}: {name} is negative")
                object.__setattr__(self, name, value)
        if self.max_subset_size < 1 or self.max_candidates < 1:
            raise MatchConfigError(
                f"rule {self.name!r}: max_subset_size and max_candidates must be >= 1"
            )
        object.__setattr__(self, "signals", frozenset(self.signals))
        object.__setattr__(self, "item_kinds", frozenset(self.item_kinds))
        object.__setattr__(self, "fee_rules", tuple(self.fee_rules))

    def uses(self, signal: str) -> bool:
        return signal in self.signals

    def within_tolerance(self, difference: Decimal, residual: Decimal) -> bool:
        """True when ``difference`` (absolute) may be written off against an
        item (or items) whose residual is ``residual``."""
        if self.tolerance_amount is None and self.tolerance_percent is None:
            return False
        difference, residual = abs(difference), abs(residual)
        if self.tolerance_amount is not None and difference > self.tolerance_amount:
            return False
        return not (
            self.tolerance_percent is not None
            and difference * 100 > residual * self.tolerance_percent
        )
