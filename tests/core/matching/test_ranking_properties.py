"""Properties of the ranking rules, for any amounts and distractors."""

from datetime import date
from decimal import Decimal
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bank_api_sync.core.matching import (
    Kind,
    MatchingEngine,
    MatchRule,
    OpenItem,
    StatementLine,
)

from .factories import ACME, IBAN_ACME, context

PAY_DATE = date(2026, 11, 20)
PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
cents = st.integers(min_value=1, max_value=2_000_000)


class _Items:
    """Open invoices numbered FV/2026/11/0001, 0002, ... in creation order."""

    def __init__(self):
        self.items = []

    def add(self, amount_cents: int, partner: int, **values) -> OpenItem:
        number = f"FV/2026/11/{len(self.items) + 1:04d}"
        item = OpenItem(
            id=number,
            move_id=number,
            move_name=number,
            partner_id=partner,
            kind="receivable",
            date=date(2026, 11, 3),
            due_date=date(2026, 11, 17),
            amount_residual=Decimal(amount_cents).scaleb(-2),
            currency="PLN",
            payment_reference=values.pop("payment_reference", number),
            **values,
        )
        self.items.append(item)
        return item


@st.composite
def parts_of(draw, total: int, max_parts: int = 3) -> list[int]:
    """``total`` cents cut into 2 to ``max_parts`` positive amounts."""
    count = draw(st.integers(2, max_parts))
    if total < count:
        return [total]
    cuts = sorted(
        draw(
            st.lists(
                st.integers(1, total - 1),
                min_size=count - 1,
                max_size=count - 1,
                unique=True,
            )
        )
    )
    bounds = [0, *cuts, total]
    return [high - low for low, high in pairwise(bounds)]


def _line(amount_cents: int, title: str, **values) -> StatementLine:
    return StatementLine(
        id="line",
        date=PAY_DATE,
        amount=Decimal(amount_cents).scaleb(-2),
        currency="PLN",
        payment_ref=title,
        **values,
    )


def _rules(data):
    """Any rule: thresholds and margins from strict to none at all."""
    return MatchRule(
        auto_threshold=data.draw(st.floats(0, 1)),
        auto_margin=data.draw(st.floats(0, 1)),
        auto_partial=data.draw(st.booleans()),
    )


@PROPERTY_SETTINGS
@given(
    residual=cents,
    paid_share=st.floats(0.0001, 1.0),
    target_partner=st.integers(1, 4),
    payer_known=st.booleans(),
    distractors=st.lists(st.tuples(cents, st.integers(1, 4)), max_size=12),
    data=st.data(),
)
def test_the_quoted_document_ranks_first(
    residual, paid_share, target_partner, payer_known, distractors, data
):
    """A payment quoting one invoice and paying any part of it: that invoice
    is the first proposal, whatever else has the amount or makes it up."""
    paid = max(1, min(residual, round(residual * paid_share)))
    items = _Items()
    for amount, partner in distractors:
        items.add(amount, partner)
    # Distractors the amount points to: one of exactly the amount, and
    # invoices of the payer adding up to it.
    if data.draw(st.booleans()):
        items.add(paid, data.draw(st.integers(1, 4)))
    if paid > 1 and data.draw(st.booleans()):
        for part in data.draw(parts_of(paid)):
            items.add(part, ACME)
    target = items.add(residual, target_partner)
    shuffled = data.draw(st.permutations(items.items))
    title = data.draw(
        st.sampled_from(("{}", "Zapłata za {}", "FAKTURA NR {} dziękujemy"))
    ).format(target.move_name)
    paying = _line(paid, title, counterparty_iban=IBAN_ACME if payer_known else None)
    engine = MatchingEngine(shuffled, context())
    result = engine.match_line(paying, _rules(data))
    assert result.best is not None, result
    assert result.best.item_ids == (target.id,), result
    expected = Kind.INVOICE if paid == residual else Kind.PARTIAL
    assert result.best.kind == expected


@st.composite
def equal_evidence(draw):
    """(items, line): a payment that two proposals of equal evidence fit."""
    items = _Items()
    amount = draw(st.integers(3, 2_000_000))
    case = draw(
        st.sampled_from(
            (
                "invoice or combination",
                "two combinations",
                "two partners",
                "two quoted invoices",
            )
        )
    )
    title, payer = "Zapłata", {"counterparty_iban": IBAN_ACME}
    if case == "invoice or combination":
        items.add(amount, ACME)
        for part in draw(parts_of(amount)):
            items.add(part, ACME)
    elif case == "two combinations":
        for _ in range(2):
            for part in draw(parts_of(amount, max_parts=2)):
                items.add(part, ACME)
    elif case == "two partners":
        items.add(amount, ACME)
        items.add(amount, draw(st.integers(2, 4)))
        payer = {}
    else:
        partner = draw(st.integers(1, 4))
        quoted = [items.add(amount, partner) for _ in range(2)]
        title = " ".join(item.move_name for item in quoted)
        payer = {}
    for distractor, partner in draw(
        st.lists(st.tuples(cents, st.integers(2, 4)), max_size=8)
    ):
        items.add(distractor, partner)
    return draw(st.permutations(items.items)), _line(amount, title, **payer)


@PROPERTY_SETTINGS
@given(case=equal_evidence(), data=st.data())
def test_equal_evidence_is_never_automatic(case, data):
    items, paying = case
    result = MatchingEngine(items, context()).match_line(paying, _rules(data))
    assert result.best is not None
    assert result.auto_proposal is None, result
    assert result.best.ambiguity, result
