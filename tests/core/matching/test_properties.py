"""Properties that must hold for any input hypothesis can think of."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bank_api_sync.core.matching import (
    Kind,
    MatchingEngine,
    MatchRule,
    OpenItem,
    StatementLine,
    normalize_reference,
)

from .factories import context

PREFIXES = ("FV", "INV", "FA", "FS", "FZ")
FILLERS = ("", "Zapłata za ", "FAKTURA NR ", "za fv ", "Płatność ", "inv ")
TAILS = ("", " dziękujemy", " kwota 1 230,00 zł", " 2026", " z dnia 2026-11-20")

amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2
)


@st.composite
def document_numbers(draw):
    """(prefix, year, month or None, sequence) of an invoice number."""
    return (
        draw(st.sampled_from(PREFIXES)),
        draw(st.integers(2020, 2030)),
        draw(st.none() | st.integers(1, 12)),
        draw(st.integers(1, 99999)),
    )


def canonical(number) -> str:
    prefix, year, month, sequence = number
    middle = f"/{month:02d}" if month else ""
    return f"{prefix}/{year}{middle}/{sequence:05d}"


@st.composite
def written(draw, number) -> str:
    """The number as a payer may write it: any case, separators, zero padding."""
    prefix, year, month, sequence = number
    groups = [
        draw(st.sampled_from((prefix, prefix.lower(), prefix.title()))),
        str(year),
    ]
    if month:
        groups.append(str(month).zfill(draw(st.integers(1, 3))))
    groups.append(str(sequence).zfill(draw(st.integers(len(str(sequence)), 7))))
    text = groups[0]
    # No separator at all between the letters and the year is fine too.
    text += draw(st.sampled_from(("/", "-", " ", "_", ".", " / ", "")))
    for group in groups[1:]:
        if group is not groups[1]:
            text += draw(st.sampled_from(("/", "-", " ", "_", ".", " / ")))
        text += group
    if draw(st.booleans()) and len(text) > 3:
        cut = draw(st.integers(1, len(text) - 1))  # the bank wrapped the title here
        text = text[:cut] + "\n" + text[cut:]
    return text


@given(st.text())
def test_normalisation_is_idempotent(text):
    once = normalize_reference(text)
    assert normalize_reference(once) == once


@given(document_numbers(), st.data())
def test_every_written_form_normalises_to_the_canonical_one(number, data):
    text = data.draw(written(number)).replace("\n", "")
    assert normalize_reference(text) == normalize_reference(canonical(number))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    target_number=document_numbers(),
    amount=amounts,
    others=st.lists(
        st.tuples(document_numbers(), amounts, st.integers(1, 5)), max_size=30
    ),
    data=st.data(),
)
def test_a_payment_quoting_its_invoice_is_proposed_first(
    target_number, amount, others, data
):
    keys = {normalize_reference(canonical(n)) for n, _, _ in others}
    assume(normalize_reference(canonical(target_number)) not in keys)
    assume(len(keys) == len(others))
    base = date(2026, 11, 1)
    items = [
        OpenItem(
            id=index,
            move_id=index,
            move_name=canonical(number),
            partner_id=partner,
            kind="receivable",
            date=base,
            amount_residual=other_amount,
            currency="PLN",
        )
        for index, (number, other_amount, partner) in enumerate(others, start=1)
    ]
    target = OpenItem(
        id="target",
        move_id="target",
        move_name=canonical(target_number),
        partner_id=data.draw(st.integers(1, 5)),
        kind="receivable",
        date=base,
        amount_residual=amount,
        currency="PLN",
    )
    items.insert(data.draw(st.integers(0, len(items))), target)
    title = (
        data.draw(st.sampled_from(FILLERS))
        + data.draw(written(target_number))
        + data.draw(st.sampled_from(TAILS))
    )
    statement_line = StatementLine(
        id=1,
        date=base + timedelta(days=9),
        amount=amount,
        currency="PLN",
        payment_ref=title,
    )
    result = MatchingEngine(items, context()).match_line(statement_line)
    assert result.best is not None, title
    assert result.best.item_ids == ("target",), (title, result)
    assert result.best.kind == Kind.INVOICE
    assert result.best.auto


@st.composite
def open_items(draw):
    count = draw(st.integers(0, 25))
    items = []
    for index in range(count):
        payable = draw(st.booleans())
        foreign = draw(st.booleans())
        amount = draw(amounts) * (-1 if payable else 1)
        items.append(
            OpenItem(
                id=index,
                move_id=index,
                move_name=canonical(draw(document_numbers())),
                payment_reference=draw(
                    st.none() | st.sampled_from(("ZAM 5588", "RF18539007547034"))
                ),
                partner_id=draw(st.integers(1, 4)),
                kind="payable" if payable else "receivable",
                date=date(2026, 11, 1) + timedelta(days=draw(st.integers(-60, 20))),
                amount_residual=(amount * Decimal("4.3")).quantize(Decimal("0.01"))
                if foreign
                else amount,
                amount_residual_currency=amount if foreign else None,
                currency="EUR" if foreign else "PLN",
            )
        )
    return items


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=open_items(), data=st.data())
def test_allocations_never_exceed_the_line(items, data):
    quoted = (
        [
            item.move_name
            for item in data.draw(st.lists(st.sampled_from(items), max_size=3))
        ]
        if items
        else []
    )
    amount = data.draw(amounts) * data.draw(st.sampled_from((1, -1)))
    if items and data.draw(st.booleans()):  # often exactly what some item needs
        amount = data.draw(st.sampled_from(items)).amount_residual
    foreign = data.draw(st.booleans())
    statement_line = StatementLine(
        id=1,
        date=date(2026, 11, 20),
        amount=amount,
        currency="PLN",
        payment_ref=" ".join(quoted) + data.draw(st.sampled_from(TAILS)),
        counterparty_iban=data.draw(
            st.sampled_from((None, "PL61109010140000071219812874"))
        ),
        amount_currency=(amount / Decimal("4.25")).quantize(Decimal("0.01"))
        if foreign
        else None,
        foreign_currency="EUR" if foreign else None,
    )
    rule = MatchRule(
        tolerance_amount=data.draw(
            st.sampled_from((None, Decimal("0.05"), Decimal(5)))
        ),
        auto_partial=data.draw(st.booleans()),
        max_subset_size=data.draw(st.integers(1, 5)),
    )
    result = MatchingEngine(items, context()).match_line(statement_line, rule)
    sign = 1 if amount > 0 else -1
    for proposal in result.proposals:
        allocated = proposal.allocated
        assert abs(allocated) <= abs(amount), proposal
        assert all(a.amount * sign >= 0 for a in proposal.allocations), proposal
        assert len(set(proposal.item_ids)) == len(proposal.item_ids)
        assert 0 <= proposal.confidence <= 1
        # Every unit of the line is accounted for: applied to items, left open,
        # or (an overpayment within tolerance) written off.
        kept = proposal.write_off if proposal.write_off * sign > 0 else 0
        assert allocated + proposal.unallocated + kept == amount, proposal
        if proposal.write_off:
            assert rule.tolerance_amount is not None
            assert abs(proposal.write_off) <= rule.tolerance_amount * 5 + Decimal(
                "0.01"
            )
    assert all(not proposal.auto for proposal in result.proposals[1:])
