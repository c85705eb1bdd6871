"""Who paid? The partner clues of a line, and the partners worth searching.

Clues: the virtual account the money was sent to (it belongs to one customer
and restricts the search to them), the partner the line already has, the
payer's account known on partners, and a split payment's NIP. When the clues
disagree, or one of them fits several partners, the line's payer is uncertain
and nothing found through the payer alone may be reconciled automatically.
"""

from dataclasses import dataclass

from .config import MatchRule
from .index import OpenItemIndex
from .model import Signal, StatementLine
from .normalize import account_key
from .references import SplitPayment
from .texts import Joined, _lt

# Confidence that the clue names the payer.
PARTNER_STRENGTH = {
    Signal.VIRTUAL_ACCOUNT: 0.90,
    Signal.KNOWN_PARTNER: 0.84,
    Signal.COUNTERPARTY_IBAN: 0.84,
    Signal.SPLIT_PAYMENT_NIP: 0.80,
}
CORROBORATION = 0.02  # each further piece of evidence pointing the same way


@dataclass(frozen=True)
class PartnerClue:
    signal: str
    partner_ids: frozenset[int]
    phrase: str  # for the proposal's reason


@dataclass(frozen=True)
class Payer:
    """The partners a line may come from (``pool``), the clues behind them and,
    when the clues do not single out one partner, why (``ambiguity``).
    ``restricted_to`` is the virtual account's customer: nobody else's items
    may be proposed."""

    clues: tuple[PartnerClue, ...] = ()
    pool: frozenset[int] = frozenset()
    ambiguity: str | None = None
    restricted_to: int | None = None

    @property
    def certain(self) -> bool:
        return len(self.pool) == 1 and not self.ambiguity

    def strength(self, partner_id: int) -> tuple[float, list[str], list[str]]:
        """Confidence that ``partner_id`` paid, with its clues' signals and
        phrases."""
        clues = [clue for clue in self.clues if partner_id in clue.partner_ids]
        if not clues:
            return 0.0, [], []
        strength = max(PARTNER_STRENGTH[clue.signal] for clue in clues)
        strength += CORROBORATION * (len(clues) - 1)
        return strength, [clue.signal for clue in clues], [c.phrase for c in clues]


def _clues(
    line: StatementLine,
    rule: MatchRule,
    index: OpenItemIndex,
    split: SplitPayment | None,
) -> list[PartnerClue]:
    name = index.partner_name
    clues = []
    if rule.uses(Signal.VIRTUAL_ACCOUNT) and line.receiving_account:
        owner = index.virtual_accounts.get(account_key(line.receiving_account))
        if owner is not None:
            clues.append(
                PartnerClue(
                    Signal.VIRTUAL_ACCOUNT,
                    frozenset({owner}),
                    _lt(
                        "paid to the virtual account %(account)s of %(partner)s",
                        account=line.receiving_account,
                        partner=name(owner),
                    ),
                )
            )
    if line.partner_id is not None:
        clues.append(
            PartnerClue(
                Signal.KNOWN_PARTNER,
                frozenset({line.partner_id}),
                _lt(
                    "partner %(partner)s set on the line",
                    partner=name(line.partner_id),
                ),
            )
        )
    if rule.uses(Signal.COUNTERPARTY_IBAN) and line.counterparty_iban:
        owners = index.partner_ibans.get(account_key(line.counterparty_iban))
        if owners:
            names = ", ".join(sorted(name(owner) for owner in owners))
            account = line.counterparty_iban
            phrase = (
                _lt(
                    "the payer's account %(account)s is %(partner)s's",
                    account=account,
                    partner=names,
                )
                if len(owners) == 1
                else _lt(
                    "the payer's account %(account)s belongs to %(count)s "
                    "partners (%(names)s)",
                    account=account,
                    count=len(owners),
                    names=names,
                )
            )
            clues.append(PartnerClue(Signal.COUNTERPARTY_IBAN, owners, phrase))
    idc = split.idc if split else None
    # For an invoice of ours, /IDC/ is our own NIP: it says nothing of the payer.
    if idc and idc != index.company_vat and idc in index.partners_by_vat:
        owners = frozenset(index.partners_by_vat[idc])
        names = ", ".join(sorted(name(owner) for owner in owners))
        clues.append(
            PartnerClue(
                Signal.SPLIT_PAYMENT_NIP,
                owners,
                _lt("/IDC/ %(nip)s is the NIP of %(names)s", nip=idc, names=names),
            )
        )
    return clues


def identify_payer(
    line: StatementLine,
    rule: MatchRule,
    index: OpenItemIndex,
    split: SplitPayment | None = None,
) -> Payer:
    """Collect the clues of ``line`` and settle on the partners to search."""
    clues = _clues(line, rule, index, split)
    if not clues:
        return Payer()
    name = index.partner_name
    definite = {
        next(iter(clue.partner_ids)) for clue in clues if len(clue.partner_ids) == 1
    }
    virtual = next(
        (clue for clue in clues if clue.signal == Signal.VIRTUAL_ACCOUNT), None
    )
    restricted_to = ambiguity = None
    if virtual is not None:
        restricted_to = next(iter(virtual.partner_ids))
        pool = virtual.partner_ids
        others = definite - pool
        if others:
            ambiguity = _lt(
                "the line also points to %(names)s",
                names=", ".join(sorted(map(name, others))),
            )
    elif len(definite) == 1:
        pool = frozenset(definite)
        stray = [clue for clue in clues if not pool <= clue.partner_ids]
        if stray:
            ambiguity = Joined("; ", (clue.phrase for clue in stray))
    else:
        pool = frozenset().union(*(clue.partner_ids for clue in clues))
        ambiguity = Joined("; ", (clue.phrase for clue in clues))
        if len(definite) > 1:
            ambiguity = _lt(
                "%(clues)s: the clues point to different partners", clues=ambiguity
            )
    return Payer(tuple(clues), pool, ambiguity, restricted_to)
