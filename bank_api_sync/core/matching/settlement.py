"""Amounts: comparing a line with open items and spreading its money over them.

A line and an item are compared in one currency: the item's own when the line
is in it (or the bank gave the amount in it), else the company currency. The
settlement then says whether the line pays the items exactly, within the
rule's tolerance (with a write-off), short (a partial payment) or too much
(the rest stays unallocated), or pays the discounted amount of items that
offer an early payment discount on time, and builds the allocations.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .config import MatchRule
from .model import Allocation, OpenItem, Signal, StatementLine

EXACT, TOLERANCE, SHORT, OVER = "exact", "tolerance", "short", "over"
EARLY_DISCOUNT = "early_discount"


def quantum(amount: Decimal) -> Decimal:
    """The rounding step of an amount: its own decimals, at least cents."""
    exponent = amount.as_tuple().exponent
    places = min(exponent if isinstance(exponent, int) else -2, -2)
    return Decimal(1).scaleb(places)


@dataclass(frozen=True, slots=True)
class Comparison:
    """A line next to one item: ``value`` (the line) and ``residual`` (the
    item) in the comparison ``currency``; ``to_line`` / ``to_item`` convert an
    amount of that currency into the line's / the item's (None: no need)."""

    value: Decimal
    residual: Decimal
    currency: str
    to_line: Decimal | None
    to_item: Decimal | None

    @property
    def foreign(self) -> bool:
        return self.to_line is not None or self.to_item is not None

    @property
    def group(self) -> tuple:
        """Items with the same group can be paid together by one line."""
        return (self.currency, self.to_line)


def compare(
    line: StatementLine, item: OpenItem | None, rule: MatchRule, company_currency: str
) -> Comparison | None:
    """The line and the item in a common currency, or None when they cannot be
    compared: the item is on the other side (a bill for money received), of a
    kind the rule leaves out, or in a currency the line gives no amount in."""
    if item is None or item.kind not in rule.item_kinds:
        return None
    if item.currency == line.currency:
        comparison = Comparison(
            line.amount, item.residual_in_currency, item.currency, None, None
        )
    elif not rule.uses(Signal.FOREIGN_CURRENCY):
        return None
    elif line.foreign_currency == item.currency and line.amount_currency:
        comparison = Comparison(
            line.amount_currency,
            item.residual_in_currency,
            item.currency,
            line.amount / line.amount_currency,
            None,
        )
    elif line.currency == company_currency and item.amount_residual:
        comparison = Comparison(
            line.amount,
            item.amount_residual,
            company_currency,
            None,
            item.residual_in_currency / item.amount_residual,
        )
    else:
        return None
    if not comparison.value or not comparison.residual:
        return None
    if (comparison.value > 0) != (comparison.residual > 0):
        return None
    return comparison


@dataclass(frozen=True, slots=True)
class Settlement:
    """What reconciling a line with some items would do.

    ``relation`` is EXACT, EARLY_DISCOUNT, TOLERANCE, SHORT or OVER; ``paid``
    and ``residual`` are absolute amounts in the comparison ``currency``;
    ``write_off``, ``unallocated`` and ``early_discount`` are in the line's
    currency (see ``model.Proposal``).
    """

    relation: str
    allocations: tuple[Allocation, ...]
    write_off: Decimal
    unallocated: Decimal
    paid: Decimal
    residual: Decimal
    currency: str
    early_discount: Decimal = Decimal(0)


def discounted(line: StatementLine, item: OpenItem, comparison: Comparison):
    """The absolute amount that settles ``item`` if ``line`` pays it in time
    for its early payment discount, else None. Only when the line pays in the
    item's own currency (its amount, or the amount the bank gives in that
    currency), as Odoo grants it."""
    if (
        item.discount_residual is None
        or comparison.to_item is not None
        or line.date is None
        or item.discount_date is None
        or line.date > item.discount_date
    ):
        return None
    return abs(item.discount_residual)


def settle(
    line: StatementLine,
    rule: MatchRule,
    entries: Sequence[tuple[OpenItem, Comparison]],
) -> Settlement:
    """Spread the line's money over ``entries`` (items of one comparison group),
    in their order: each item gets its residual while money lasts."""
    first = entries[0][1]
    sign = 1 if first.value > 0 else -1
    paid = abs(first.value)
    total = sum((abs(comparison.residual) for _, comparison in entries), Decimal(0))
    difference = paid - total
    if difference == 0:
        relation = EXACT
    elif (early := _early_discount(line, entries, paid)) is not None:
        return early
    elif rule.within_tolerance(difference, total):
        relation = TOLERANCE
    else:
        relation = SHORT if difference < 0 else OVER
    money = paid
    step = quantum(line.amount)
    parts = []  # [item id, in line currency, in item currency, closes]
    for item, comparison in entries:
        residual = abs(comparison.residual)
        part = residual if difference >= 0 else min(residual, money)
        money -= part
        closes = relation != SHORT or part == residual
        if not part and not closes:
            continue
        in_line = in_item = sign * part
        if comparison.to_line is not None:
            in_line = (in_line * comparison.to_line).quantize(step)
        if comparison.to_item is not None:
            in_item = (in_item * comparison.to_item).quantize(
                quantum(item.residual_in_currency)
            )
        parts.append([item.id, in_line, in_item, closes])
    if first.to_line is not None and money == 0 and parts:
        # Every unit of the line is used: conversion must not leave a cent.
        others = sum((part[1] for part in parts[:-1]), Decimal(0))
        parts[-1][1] = line.amount - others
    allocated = sum((part[1] for part in parts), Decimal(0))
    if abs(allocated) > abs(line.amount):  # rounding of converted parts
        parts[-1][1] -= allocated - line.amount
        allocated = line.amount
    write_off = unallocated = Decimal(0)
    if relation == TOLERANCE and difference > 0:
        write_off = line.amount - allocated
    elif relation == TOLERANCE:
        write_off = sign * difference
        if first.to_line is not None:
            write_off = (write_off * first.to_line).quantize(step)
    elif relation == OVER:
        unallocated = line.amount - allocated
    return Settlement(
        relation=relation,
        allocations=tuple(Allocation(*part) for part in parts),
        write_off=write_off,
        unallocated=unallocated,
        paid=paid,
        residual=total,
        currency=first.currency,
    )


def _early_discount(line, entries, paid) -> Settlement | None:
    """The settlement when the line pays exactly the discounted amounts (the
    items without a discount at their residual)."""
    amounts = [discounted(line, item, comparison) for item, comparison in entries]
    if all(amount is None for amount in amounts):
        return None
    parts = [
        abs(comparison.residual) if amount is None else amount
        for amount, (_item, comparison) in zip(amounts, entries, strict=True)
    ]
    if sum(parts, Decimal(0)) != paid:
        return None
    first = entries[0][1]
    sign = 1 if first.value > 0 else -1
    total = sum((abs(comparison.residual) for _, comparison in entries), Decimal(0))
    in_item = [sign * part for part in parts]
    in_line = list(in_item)
    discount = sign * (total - paid)
    if first.to_line is not None:
        step = quantum(line.amount)
        in_line = [(part * first.to_line).quantize(step) for part in in_item]
        # Every unit of the line is used: conversion must not leave a cent.
        in_line[-1] = line.amount - sum(in_line[:-1], Decimal(0))
        discount = (discount * first.to_line).quantize(step)
    return Settlement(
        relation=EARLY_DISCOUNT,
        allocations=tuple(
            Allocation(item.id, amount, amount_currency, True)
            for amount, amount_currency, (item, _comparison) in zip(
                in_line, in_item, entries, strict=True
            )
        ),
        write_off=Decimal(0),
        unallocated=Decimal(0),
        paid=paid,
        residual=total,
        currency=first.currency,
        early_discount=discount,
    )
