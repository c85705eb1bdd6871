"""The matching engine: ranked reconciliation proposals for statement lines.

How the Odoo glue uses it::

    engine = MatchingEngine(open_items, context)  # indexes the items once
    for result in engine.match_lines(lines, rules):  # rules in sequence order
        if result.fee and result.fee.auto: ...  # post the fee
        elif result.auto_proposal: ...  # reconcile it
        else: ...  # keep result.proposals for a person

How confidence is built: see ``line_matcher``.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import replace

from .config import MatchRule
from .index import OpenItemIndex
from .line_matcher import LineMatcher
from .model import LineResult, MatchContext, OpenItem, Proposal, StatementLine
from .settlement import quantum

_SETTLED = object()  # marks an item fully reconciled during this run


class MatchingEngine:
    """Indexes open items once; matches any number of lines against them.

    With ``match_lines(..., consume_auto=True)`` the items a line reconciles
    automatically are taken out (or reduced, for partial payments) before the
    next line is matched, so that a payment sent twice is not reconciled twice.
    """

    def __init__(self, items: Iterable[OpenItem], context: MatchContext):
        self.context = context
        self.index = OpenItemIndex(items, context)
        self._changed: dict[Hashable, object] = {}

    def item(self, item_id: Hashable) -> OpenItem | None:
        """The item as it stands now (after what this engine consumed), or
        None once it is settled or when it is unknown."""
        changed = self._changed.get(item_id)
        if changed is _SETTLED:
            return None
        return changed or self.index.items.get(item_id)

    def match_line(
        self, line: StatementLine, rules: MatchRule | Sequence[MatchRule] | None = None
    ) -> LineResult:
        """Proposals for one line: the first rule (in order) that proposes
        something or recognises a fee answers."""
        rules = _as_rules(rules)
        result = None
        for rule in rules:
            result = LineMatcher(self, line, rule).run()
            if result.proposals or result.fee:
                return result
        return result

    def match_lines(
        self,
        lines: Iterable[StatementLine],
        rules: MatchRule | Sequence[MatchRule] | None = None,
        *,
        consume_auto: bool = True,
    ) -> list[LineResult]:
        """``match_line`` for each line, in order. With ``consume_auto`` each
        automatic proposal is applied to the engine's view of the items."""
        rules = _as_rules(rules)
        results = []
        for line in lines:
            result = self.match_line(line, rules)
            if consume_auto and result.auto_proposal is not None:
                self.consume(result.auto_proposal)
            results.append(result)
        return results

    def consume(self, proposal: Proposal) -> None:
        """Record that ``proposal`` was reconciled: its items are settled or
        their residuals reduced for the lines matched after. (A reduced item
        is still found by its references and its partner, not by its new
        amount alone: the amount index is not rebuilt.)"""
        for allocation in proposal.allocations:
            item = self.item(allocation.item_id)
            if item is None:
                continue
            own = item.residual_in_currency
            remaining = own - allocation.amount_currency
            if allocation.closes_item or remaining == 0 or (remaining > 0) != (own > 0):
                self._changed[item.id] = _SETTLED
                continue
            if item.amount_residual_currency is None:
                self._changed[item.id] = replace(item, amount_residual=remaining)
                continue
            company = (item.amount_residual * remaining / own).quantize(
                quantum(item.amount_residual)
            )
            self._changed[item.id] = replace(
                item, amount_residual=company, amount_residual_currency=remaining
            )


def _as_rules(rules) -> tuple[MatchRule, ...]:
    if rules is None:
        return (MatchRule(),)
    if isinstance(rules, MatchRule):
        return (rules,)
    rules = tuple(rules)
    if not rules:
        raise ValueError("match needs at least one MatchRule")
    return rules


def match_lines(
    lines: Iterable[StatementLine],
    items: Iterable[OpenItem],
    context: MatchContext,
    rules: MatchRule | Sequence[MatchRule] | None = None,
) -> list[LineResult]:
    """One-shot form: index ``items``, match ``lines``, consume automatic ones."""
    return MatchingEngine(items, context).match_lines(lines, rules)
