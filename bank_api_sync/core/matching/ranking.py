"""Ranking a line's proposals and deciding whether the best may be automatic.

Three general rules, whatever evidence built the proposals:

* **What the title quotes comes first.** A proposal that settles, even in part,
  a document the title names ranks before every proposal built only from
  documents the title does not name, whatever the amounts: a partial payment
  of the quoted invoice comes before an exact combination of other invoices.
  Confidence orders the proposals within each of the two groups.
* **Equal evidence is a tie.** Two proposals for different documents resting
  on the same evidence (both quoted or both not, the same clues, the amount
  settling both exactly, or both within the tolerance, or both partly) are
  equally likely: one invoice against a combination of others, two
  combinations, the same amount at two partners. Each is marked ambiguous, so
  that none is ever reconciled automatically, whatever the threshold, and the
  ambiguity names the other documents.
* **Automatic** only when the best proposal reaches the rule's threshold, is
  not ambiguous, and is ``auto_margin`` ahead of the next one.
"""

from decimal import Decimal

from .model import Kind, Proposal, Signal
from .settlement import EARLY_DISCOUNT, EXACT
from .texts import Joined, _lt

# Signals that say how the amount relates, not what identifies the documents.
_AMOUNT_SIGNALS = frozenset(
    {
        Signal.AMOUNT_EQUAL,
        Signal.AMOUNT_TOLERANCE,
        Signal.OVERPAYMENT,
        Signal.EARLY_DISCOUNT,
        Signal.PARTIAL,
        Signal.SEVERAL_INVOICES,
        Signal.FOREIGN_CURRENCY,
    }
)
# Documents named in a tie's explanation, at most.
_NAMED_RIVALS = 3


def names_quoted(draft, quoted_ids) -> bool:
    """Does the proposal settle a document the title names?"""
    return any(item.id in quoted_ids for item in draft.items)


def rank_key(draft, quoted_ids, line_date):
    """Quoted documents first, then confidence, the kind of proposal, the
    date closest to the line, and the ids (for a stable order)."""
    first = draft.items[0]
    distance = abs((line_date - first.date).days) if line_date else 0
    return (
        not names_quoted(draft, quoted_ids),
        -round(draft.confidence, 3),
        Kind.ORDER.index(draft.kind),
        distance,
        tuple(str(item.id) for item in draft.items),
    )


def evidence(draft, quoted_ids) -> tuple:
    """What a proposal rests on, amounts aside: two proposals with the same
    evidence are equally likely."""
    relation = draft.settlement.relation
    if relation == EARLY_DISCOUNT:
        relation = EXACT  # the invoice's own terms make it exact
    return (
        names_quoted(draft, quoted_ids),
        frozenset(draft.signals) - _AMOUNT_SIGNALS,
        relation,
    )


def mark_ties(drafts, quoted_ids, partner_name) -> None:
    """Marks as ambiguous every draft that has a rival of equal evidence for
    other documents (drafts already ambiguous keep their own reason)."""
    groups: dict[tuple, list] = {}
    for draft in drafts:
        groups.setdefault(evidence(draft, quoted_ids), []).append(draft)
    for group in groups.values():
        if len(group) < 2:
            continue
        for draft in group:
            if draft.ambiguity:
                continue
            mine = {item.id for item in draft.items}
            rivals = [
                other
                for other in group
                if other is not draft and {item.id for item in other.items} != mine
            ]
            if rivals:
                draft.ambiguity = _tie(draft, rivals, partner_name)


def _tie(draft, rivals, partner_name):
    described = [_documents(rival, draft, partner_name) for rival in rivals]
    shown = described[:_NAMED_RIVALS]
    if len(described) > len(shown):
        shown.append(_lt("%(count)s more", count=len(described) - len(shown)))
    return _lt(
        "%(rivals)s would fit the payment as well, and nothing in it says which "
        "is meant",
        rivals=Joined(", ", shown),
    )


def _documents(rival, draft, partner_name):
    names = " + ".join(item.move_name for item in rival.items)
    if rival.partner_id is not None and rival.partner_id != draft.partner_id:
        return _lt(
            "%(documents)s of %(partner)s",
            documents=names,
            partner=partner_name(rival.partner_id),
        )
    return names


def auto_blockers(proposals: list[Proposal], rule) -> list[str]:
    """Why the best proposal may not be reconciled automatically (nothing:
    it may)."""
    best = proposals[0]
    blockers = []
    if best.confidence < rule.auto_threshold:
        blockers.append(
            _lt(
                "confidence %(confidence)s is below the rule's threshold "
                "%(threshold)s",
                confidence=score(best.confidence),
                threshold=score(rule.auto_threshold),
            )
        )
    if best.ambiguity:
        blockers.append(best.ambiguity)
    if len(proposals) > 1:
        blockers += _margin_blockers(best, proposals[1], rule)
    if best.kind == Kind.PARTIAL and not rule.auto_partial:
        blockers.append(_lt("partial payments are never automatic under this rule"))
    if best.kind == Kind.OVERPAYMENT:
        blockers.append(_lt("part of the line would stay unallocated"))
    return list(dict.fromkeys(blockers))


def _margin_blockers(best, second, rule) -> list[str]:
    if second.confidence > best.confidence:
        # The quoted document ranks first, but the amount fits another
        # proposal better: a person decides.
        return [
            _lt(
                "another proposal fits the amount better (%(second)s vs "
                "%(best)s: %(reason)s)",
                best=score(best.confidence),
                second=score(second.confidence),
                reason=second.reason,
            )
        ]
    if round(best.confidence - second.confidence, 3) < rule.auto_margin:
        return [
            _lt(
                "the next proposal is too close (%(best)s vs %(second)s: "
                "%(reason)s)",
                best=score(best.confidence),
                second=score(second.confidence),
                reason=second.reason,
            )
        ]
    return []


def score(confidence):
    """A confidence as a number a reader sees in their own format (0.87, 0,87)."""
    return Decimal(format(confidence, ".2f"))
