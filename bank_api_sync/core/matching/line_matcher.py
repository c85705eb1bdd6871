"""Matching one line with one rule: evidence, proposals, ranking.

Confidence is built from the evidence, strongest first, so that every number
can be explained in the proposal's ``reason``:

* the document named by the title: an RF reference with valid check digits,
  the split payment's ``/INV/``, the invoice number, the payment reference
  (``REFERENCE_STRENGTH``), a little more when several agree, less when the
  reference is shared by several items;
* otherwise the partner the money came from (``partners.PARTNER_STRENGTH``),
  the amount (and a date window) then picking the items;
* then the amount: equal, within tolerance (write-off), short (partial), too
  much (overpayment); and the payer: agreeing or contradicting.

How the proposals are ranked, when equal evidence makes them ambiguous, and
when the best is automatic: see ``ranking``.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from .config import MatchRule
from .fees import fee_by_code, fee_by_keyword
from .index import KeyEntry, OpenItemIndex
from .model import (
    RECEIVABLE,
    Kind,
    LineResult,
    OpenItem,
    Proposal,
    Signal,
    StatementLine,
)
from .normalize import vat_key
from .partners import CORROBORATION, Payer, identify_payer
from .ranking import auto_blockers, mark_ties, rank_key
from .references import SplitPayment, find_rf_references, parse_split_payment
from .settlement import (
    EARLY_DISCOUNT,
    EXACT,
    OVER,
    SHORT,
    TOLERANCE,
    Comparison,
    Settlement,
    compare,
    settle,
)
from .subset_sum import find_subsets
from .texts import Joined, _lt

REFERENCE_STRENGTH = {
    Signal.RF_REFERENCE: 0.97,
    Signal.SPLIT_PAYMENT: 0.95,
    Signal.INVOICE_NUMBER: 0.94,
    Signal.PAYMENT_REFERENCE: 0.93,
}
# A reference several open items share (Odoo's partner-based communication)
# says who paid, not which document.
SHARED_REFERENCE_STRENGTH = 0.85
AMOUNT_ONLY_CONFIDENCE = 0.5
PARTNER_AGREES = 0.03
PARTNER_DISAGREES = -0.25
NIP_AGREES = 0.03
NIP_DISAGREES = -0.10
EXACT_WITH_REFERENCE = 0.02
EXACT_WITH_PARTNER = 0.03
WITHIN_TOLERANCE = -0.04
SHORT_PAYMENT = -0.20
OVERPAID = -0.30
FOREIGN_CURRENCY = -0.01
SEVERAL_BY_PARTNER = -0.06
SOME_OF_THE_QUOTED = -0.08
QUOTED_PLUS_OTHERS = -0.12
# Amount-based alternatives when the title quotes another document that the
# line settles: they stay visible to a person, never close to the quoted one.
NOT_THE_QUOTED_ONE = -0.30
# Amount-only matching looks at no more items with the line's amount than this.
AMOUNT_ONLY_SCAN = 200


@dataclass
class _Draft:
    kind: str
    items: list[OpenItem]
    settlement: Settlement
    confidence: float
    signals: dict[str, None]
    reasons: list[str]
    partner_id: int | None
    ambiguity: str | None = None


@dataclass
class _Reference:
    """What the title says about one item."""

    item: OpenItem
    signals: dict[str, str] = field(default_factory=dict)  # signal -> phrase
    not_unique: set[str] = field(default_factory=set)  # signals naming other items too
    shared: str | None = None  # the same reference names other partners' items


class LineMatcher:
    """Everything about matching one line with one rule."""

    def __init__(self, engine, line: StatementLine, rule: MatchRule):
        self.engine = engine  # MatchingEngine: its index and its live items
        self.index: OpenItemIndex = engine.index
        self.line = line
        self.rule = rule
        self.line_date: date | None = line.date or engine.context.today
        self.notes: list[str] = []
        self.split: SplitPayment | None = None
        self.payer = Payer()
        # Open items the title names as documents (not only as a partner).
        self.quoted_ids: frozenset = frozenset()

    # --- the run ----------------------------------------------------------

    def run(self) -> LineResult:
        rule = self.rule
        fee = fee_by_code(self.line, rule.fee_rules)
        if fee is not None:
            return self._result((), fee)
        if rule.uses(Signal.SPLIT_PAYMENT):
            self.split = parse_split_payment(self.line.payment_ref)
        self.payer = identify_payer(self.line, rule, self.index, self.split)
        if self.payer.ambiguity:
            self.notes.append(
                _lt("partner uncertain: %(why)s", why=self.payer.ambiguity)
            )
        references = self._references()
        self.quoted_ids = frozenset(
            item_id
            for item_id, reference in references.items()
            if set(reference.signals) - reference.not_unique
        )
        if not references:
            fee = fee_by_keyword(self.line, rule.fee_rules)
            if fee is not None:
                return self._result((), fee)
        drafts = self._from_references(references)
        quoted_settles = any(
            draft.kind in (Kind.INVOICE, Kind.INVOICES) for draft in drafts
        )
        if references:
            drafts += self._exact_elsewhere(drafts, references)
        by_amount = self._from_partner(quoted_settles, bool(references))
        if references:
            # The title names documents: the amount pointing elsewhere is a
            # conflict for a person to settle, never an automatic match.
            quoted = ", ".join(ref.item.move_name for ref in references.values())
            for draft in by_amount:
                if draft is None or draft.ambiguity:
                    continue
                if {item.id for item in draft.items} - references.keys():
                    draft.ambiguity = _lt(
                        "the title quotes %(documents)s, not this", documents=quoted
                    )
        drafts += by_amount
        if not references and not self.payer.pool:
            drafts += self._from_amount_only()
        return self._finish(drafts)

    # --- comparing comparison --------------------------------------------------

    def _compare(self, item: OpenItem | None) -> Comparison | None:
        return compare(self.line, item, self.rule, self.index.company_currency)

    def _draft(
        self,
        entries: list[tuple[OpenItem, Comparison]],
        *,
        base: float,
        signals: Iterable[str],
        reasons: Iterable[str],
        ambiguity: str | None = None,
        allow: Iterable[str] = (EXACT, EARLY_DISCOUNT, TOLERANCE, SHORT, OVER),
    ) -> _Draft | None:
        """A proposal for ``entries`` with the amount's part of the confidence
        and of the reason; None when the comparison relate in a way not allowed."""
        settlement = settle(self.line, self.rule, entries)
        relation = settlement.relation
        if relation not in allow:
            return None
        if relation == SHORT and not self.rule.uses(Signal.PARTIAL):
            return None
        signals = dict.fromkeys(signals)
        reasons = list(reasons)
        several = len(entries) > 1
        delta, signal, reason, kind = self._amount_evidence(settlement, several)
        confidence = base + delta
        signals[signal] = None
        reasons.append(reason)
        if entries[0][1].foreign:
            confidence += FOREIGN_CURRENCY
            signals[Signal.FOREIGN_CURRENCY] = None
            reasons.append(
                _lt("compared in %(currency)s", currency=settlement.currency)
            )
        partners = {item.partner_id for item, _ in entries}
        return _Draft(
            kind=kind,
            items=[item for item, _ in entries],
            settlement=settlement,
            confidence=confidence,
            signals=signals,
            reasons=reasons,
            partner_id=partners.pop() if len(partners) == 1 else None,
            ambiguity=ambiguity,
        )

    def _amount_evidence(self, settlement, several: bool) -> tuple:
        """(confidence change, signal, reason, kind) of how the line's amount
        relates to the items'."""
        line_currency = self.line.currency
        invoice = Kind.INVOICES if several else Kind.INVOICE
        relation = settlement.relation
        if relation == EXACT:
            reason = _lt("amounts equal") if several else _lt("amount equal")
            return EXACT_WITH_REFERENCE, Signal.AMOUNT_EQUAL, reason, invoice
        if relation == EARLY_DISCOUNT:
            # As exact as an equal amount: the invoice's own terms give it.
            reason = _lt(
                "early payment discount of %(amount)s %(currency)s, paid in time",
                amount=settlement.residual - settlement.paid,
                currency=settlement.currency,
            )
            return EXACT_WITH_REFERENCE, Signal.EARLY_DISCOUNT, reason, invoice
        if relation == TOLERANCE:
            reason = _lt(
                "amount within tolerance: %(amount)s %(currency)s written off",
                amount=settlement.write_off,
                currency=line_currency,
            )
            return WITHIN_TOLERANCE, Signal.AMOUNT_TOLERANCE, reason, invoice
        if relation == SHORT:
            reason = _lt(
                "partial payment: %(paid)s of %(residual)s %(currency)s",
                paid=settlement.paid,
                residual=settlement.residual,
                currency=settlement.currency,
            )
            return SHORT_PAYMENT, Signal.PARTIAL, reason, Kind.PARTIAL
        reason = _lt(
            "overpayment: %(amount)s %(currency)s stays unallocated",
            amount=settlement.unallocated,
            currency=line_currency,
        )
        return OVERPAID, Signal.OVERPAYMENT, reason, Kind.OVERPAYMENT

    def _in_window(self, item: OpenItem) -> bool:
        days, when = self.rule.date_window_days, self.line_date
        if days is None or when is None:
            return True
        window = timedelta(days=days)
        latest = max(item.date, item.due_date or item.date)
        return item.date - window <= when <= latest + window

    def _dated_until(self) -> date | None:
        if self.rule.date_window_days is None or self.line_date is None:
            return None
        return self.line_date + timedelta(days=self.rule.date_window_days)

    # --- references -----------------------------------------------------------

    def _references(self) -> dict[Hashable, _Reference]:
        """The open items the title names, in order of first mention."""
        rule, title = self.rule, self.line.payment_ref or ""
        references: dict[Hashable, _Reference] = {}
        # Structured references (RF, split payment) naming no open item: said
        # when the title names nothing else, to explain why nothing was found.
        unnamed = []
        doc_signals = {Signal.INVOICE_NUMBER, Signal.PAYMENT_REFERENCE} & rule.signals
        if doc_signals:
            for hit in self.index.find_in_text(title):
                entries = [
                    entry for entry in hit.entries if entry.source in doc_signals
                ]
                self._note_reference(
                    references, entries, hit.quoted, self._quoted_phrase(hit.quoted)
                )
        if rule.uses(Signal.RF_REFERENCE):
            scan = find_rf_references(title)
            for reference in scan.valid:
                entries = [
                    KeyEntry(item_id, Signal.RF_REFERENCE, None, reference)
                    for item_id in self.index.by_rf.get(reference, ())
                ]
                named = self._note_reference(
                    references,
                    entries,
                    reference,
                    lambda entry: _lt(
                        "RF reference %(reference)s (check digits valid)",
                        reference=entry.label,
                    ),
                )
                if not named:
                    unnamed.append(
                        _lt(
                            "RF reference %(reference)s names no open item",
                            reference=reference,
                        )
                    )
            for reference in scan.rejected:
                self.notes.append(
                    _lt(
                        "%(reference)s in the title fails the RF check digits: "
                        "ignored",
                        reference=reference,
                    )
                )
        if self.split is not None and self.split.invoice_number:
            number = self.split.invoice_number
            entries = [
                replace(entry, source=Signal.SPLIT_PAYMENT)
                for entry in self.index.lookup_exact(number)
            ]
            named = self._note_reference(
                references,
                entries,
                number,
                lambda entry: _lt(
                    "split payment /INV/%(number)s names %(document)s",
                    number=number,
                    document=entry.label,
                ),
            )
            if not named:
                unnamed.append(
                    _lt(
                        "split payment /INV/%(number)s names no open item",
                        number=number,
                    )
                )
        if self.payer.restricted_to is not None:
            for item_id, reference in list(references.items()):
                if reference.item.partner_id != self.payer.restricted_to:
                    del references[item_id]
                    self.notes.append(
                        _lt(
                            "the title names %(document)s of %(partner)s, but the "
                            "money came to the virtual account of %(owner)s",
                            document=reference.item.move_name,
                            partner=self.index.partner_name(reference.item.partner_id),
                            owner=self.index.partner_name(self.payer.restricted_to),
                        )
                    )
        if not references:
            self.notes.extend(unnamed)
        return references

    @staticmethod
    def _quoted_phrase(quoted: str):
        def phrase(entry: KeyEntry) -> str:
            is_reference = entry.source == Signal.PAYMENT_REFERENCE
            if quoted == entry.label:
                if is_reference:
                    return _lt(
                        "payment reference %(reference)s quoted in the title",
                        reference=entry.label,
                    )
                return _lt(
                    "invoice %(document)s quoted in the title", document=entry.label
                )
            if is_reference:
                return _lt(
                    "payment reference %(reference)s quoted in the title (as "
                    "'%(quoted)s')",
                    reference=entry.label,
                    quoted=quoted,
                )
            return _lt(
                "invoice %(document)s quoted in the title (as '%(quoted)s')",
                document=entry.label,
                quoted=quoted,
            )

        return phrase

    def _note_reference(self, references, entries, quoted: str, phrase) -> bool:
        """Adds the open items ``entries`` name to ``references``; returns
        whether there were any."""
        found = []
        for entry in entries:
            item = self.engine.item(entry.item_id)
            if self._compare(item) is not None:
                found.append((entry, item))
        partners = {item.partner_id for _, item in found}
        shared = None
        if len(partners) > 1:
            names = ", ".join(sorted(map(self.index.partner_name, partners)))
            shared = _lt(
                "'%(quoted)s' matches open items of %(count)s partners (%(names)s)",
                quoted=quoted,
                count=len(partners),
                names=names,
            )
            # A known payer settles it: the other partners' items are not
            # candidates, and the notes name only the payer's.
            if not (self.payer.certain and self.payer.pool <= partners):
                self.notes.append(shared)
        for entry, item in found:
            reference = references.setdefault(item.id, _Reference(item))
            if entry.source not in reference.signals:
                text = phrase(entry)
                # Several documents of one partner under one reference (Odoo's
                # partner-based communication): it names the partner, not the
                # document. The installments of one invoice are one document.
                # Other partners' items are the ``shared`` case.
                siblings = len(
                    {
                        other.move_id
                        for _, other in found
                        if other.partner_id == item.partner_id
                    }
                )
                if siblings > 1:
                    reference.not_unique.add(entry.source)
                    text = _lt(
                        "%(phrase)s (shared by %(count)s open items)",
                        phrase=text,
                        count=siblings,
                    )
                reference.signals[entry.source] = text
            if shared and not (
                self.payer.certain and item.partner_id in self.payer.pool
            ):
                reference.shared = shared
        return bool(found)

    def _reference_confidence(self, reference: _Reference):
        """Base confidence, signals and reasons of one referenced item, before
        the amount is looked at."""
        item = reference.item
        strengths = sorted(
            (
                SHARED_REFERENCE_STRENGTH
                if signal in reference.not_unique
                else REFERENCE_STRENGTH[signal]
                for signal in reference.signals
            ),
            reverse=True,
        )
        confidence = strengths[0] + CORROBORATION * (len(strengths) - 1)
        signals = list(reference.signals)
        reasons = list(reference.signals.values())
        if self.payer.pool:
            if item.partner_id in self.payer.pool:
                strength, clue_signals, phrases = self.payer.strength(item.partner_id)
                signals += clue_signals
                reasons += phrases
                if self.payer.certain:
                    confidence += PARTNER_AGREES
            else:
                confidence += PARTNER_DISAGREES
                names = ", ".join(sorted(map(self.index.partner_name, self.payer.pool)))
                reasons.append(
                    _lt(
                        "but it is %(partner)s's and the payment looks like "
                        "%(payers)s's",
                        partner=self.index.partner_name(item.partner_id),
                        payers=names,
                    )
                )
        nip = self._nip_check(item)
        if nip is True:
            confidence += NIP_AGREES
            if Signal.SPLIT_PAYMENT_NIP not in signals:
                signals.append(Signal.SPLIT_PAYMENT_NIP)
                reasons.append(_lt("/IDC/ %(nip)s agrees", nip=self.split.idc))
        elif nip is False:
            confidence += NIP_DISAGREES
            reasons.append(
                _lt(
                    "/IDC/ %(nip)s is neither the partner's NIP nor ours",
                    nip=self.split.idc,
                )
            )
        return confidence, signals, reasons

    def _nip_check(self, item: OpenItem) -> bool | None:
        """Does the split payment's /IDC/ fit the item? None: nothing to check."""
        idc = self.split.idc if self.split else None
        if not idc:
            return None
        expected = {vat_key(item.partner_vat)}
        if item.kind == RECEIVABLE:  # the NIP of the supplier: ours
            expected.add(self.index.company_vat)
        expected.discard(None)
        if not expected:
            return None
        return idc in expected

    def _from_references(self, references: dict[Hashable, _Reference]) -> list:
        drafts = []
        groups: dict[tuple, list] = {}
        quoted_partners = [ref.item.partner_id for ref in references.values()]
        for reference in references.values():
            comparison = self._compare(reference.item)
            confidence, signals, reasons = self._reference_confidence(reference)
            draft = self._draft(
                [(reference.item, comparison)],
                base=confidence,
                signals=signals,
                reasons=reasons,
                ambiguity=reference.shared,
            )
            if draft is not None:
                drafts.append(draft)
                alone = quoted_partners.count(reference.item.partner_id) == 1
                if draft.kind == Kind.OVERPAYMENT and alone:
                    drafts += self._quoted_plus_others(
                        reference, comparison, confidence
                    )
            key = (reference.item.partner_id, *comparison.group)
            # What the partner and the NIP say holds for the whole group.
            context = reasons[len(reference.signals) :]
            groups.setdefault(key, []).append(
                (reference, comparison, confidence, context)
            )
        for group in groups.values():
            if len(group) > 1:
                drafts += self._several_quoted(group)
        return drafts

    def _several_quoted(self, group) -> list:
        """Several invoices of one partner quoted in one title."""
        entries = [(reference.item, comparison) for reference, comparison, *_ in group]
        base = min(confidence for _, _, confidence, _ in group)
        signals = [s for reference, *_ in group for s in reference.signals]
        ambiguity = next((ref.shared for ref, *_ in group if ref.shared), None)
        numbers = ", ".join(
            dict.fromkeys(reference.item.move_name for reference, *_ in group)
        )
        context = group[0][3]
        draft = self._draft(
            entries,
            base=base,
            signals=signals,
            reasons=[
                _lt("invoices %(numbers)s quoted in the title", numbers=numbers),
                *context,
            ],
            ambiguity=ambiguity,
        )
        drafts = [draft] if draft is not None else []
        if draft is not None and draft.kind == Kind.INVOICES:
            return drafts
        if self.rule.uses(Signal.SEVERAL_INVOICES):
            value = abs(entries[0][1].value)
            search = self._subsets(entries, value, min_size=2)
            for solution in search.solutions:
                chosen = [entries[index] for index in solution]
                names = ", ".join(item.move_name for item, _ in chosen)
                sub = self._draft(
                    chosen,
                    base=base + SOME_OF_THE_QUOTED,
                    signals=[*signals, Signal.SEVERAL_INVOICES],
                    reasons=[
                        _lt(
                            "invoices %(numbers)s quoted in the title; %(chosen)s "
                            "make the amount",
                            numbers=numbers,
                            chosen=names,
                        ),
                        *context,
                    ],
                    ambiguity=ambiguity or self._subset_ambiguity(search),
                    allow=(EXACT,),
                )
                if sub is not None:
                    drafts.append(sub)
        return drafts

    def _quoted_plus_others(self, reference, comparison, confidence: float) -> list:
        """The title quotes one invoice but the line pays more: other open items
        of the same partner may make up the difference."""
        item = reference.item
        if not self.rule.uses(Signal.SEVERAL_INVOICES) or item.partner_id is None:
            return []
        if self.rule.max_subset_size < 2:
            return []
        candidates = [
            entry
            for entry in self._partner_candidates(item.partner_id, comparison.group)
            if entry[0].id != item.id
        ]
        rest = abs(comparison.value) - abs(comparison.residual)
        search = self._subsets(
            candidates, rest, min_size=1, max_size=self.rule.max_subset_size - 1
        )
        drafts = []
        for solution in search.solutions:
            chosen = [(item, comparison)] + [candidates[index] for index in solution]
            names = ", ".join(other.move_name for other, _ in chosen[1:])
            draft = self._draft(
                chosen,
                base=confidence + QUOTED_PLUS_OTHERS,
                signals=[*reference.signals, Signal.SEVERAL_INVOICES],
                reasons=[
                    *reference.signals.values(),
                    _lt(
                        "with %(documents)s of the same partner it makes the amount",
                        documents=names,
                    ),
                ],
                ambiguity=reference.shared or self._subset_ambiguity(search),
                allow=(EXACT,),
            )
            if draft is not None:
                drafts.append(draft)
        return drafts

    def _exact_elsewhere(self, drafts: list, references) -> list:
        """The title names documents that the amount does not settle exactly,
        while another open item has exactly the amount: a mistyped number is
        as likely as a payment difference, so a person decides. Returns those
        items as proposals (when the rule matches on the amount alone)."""
        if any(
            draft is not None and draft.settlement.relation in (EXACT, EARLY_DISCOUNT)
            for draft in drafts
        ):
            return []
        # When the payer is known, only the payer's items could be meant.
        pool = self.payer.pool or None
        found = [
            (item, comparison)
            for item, comparison in self._candidates_by_amount(
                pool, limit=AMOUNT_ONLY_SCAN
            )
            if item.id not in references
        ]
        if not found:
            return []
        quoted = ", ".join(ref.item.move_name for ref in references.values())
        ambiguity = _lt(
            "%(documents)s has exactly the amount, the quoted %(quoted)s does not",
            documents=", ".join(item.move_name for item, _ in found[:3]),
            quoted=quoted,
        )
        for draft in drafts:
            if draft is not None and not draft.ambiguity:
                draft.ambiguity = ambiguity
        if not self.rule.uses(Signal.AMOUNT_ONLY):
            return []
        quotes = _lt("the title quotes %(documents)s", documents=quoted)
        return [self._amount_only_draft(entry, ambiguity, quotes) for entry in found]

    # --- partner and amount ---------------------------------------------------

    def _amount_keys(self) -> list[tuple[str, Decimal]]:
        line = self.line
        keys = [(line.currency, line.amount)]
        foreign = line.foreign_currency and line.amount_currency
        if self.rule.uses(Signal.FOREIGN_CURRENCY) and foreign:
            keys.append((line.foreign_currency, line.amount_currency))
        return keys

    def _candidates_by_amount(
        self, partners: Iterable[int] | None = None, limit: int | None = None
    ) -> list[tuple[OpenItem, Comparison]]:
        """Open items whose residual equals the line's amount, in the window:
        of ``partners``, or of anyone (then at most ``limit`` are looked at:
        an amount shared by that many items identifies none of them)."""
        if partners is None:
            buckets = [self.index.by_amount.get(key, ()) for key in self._amount_keys()]
        else:
            buckets = [
                self.index.by_partner_amount.get((partner, *key), ())
                for partner in sorted(partners)
                for key in self._amount_keys()
            ]
        seen, found = set(), []
        for bucket in buckets:
            for item_id in bucket[:limit]:
                if item_id in seen:
                    continue
                seen.add(item_id)
                item = self.engine.item(item_id)
                comparison = self._compare(item)
                if comparison is None or comparison.value != comparison.residual:
                    continue
                if self._in_window(item):
                    found.append((item, comparison))
        return found

    def _partner_candidates(self, partner_id: int, group=None) -> list:
        """The partner's open items in the window, comparable with the line
        (in comparison ``group`` when given), most recent first."""
        found = []
        for item in reversed(self.index.partner_items(partner_id, self._dated_until())):
            item = self.engine.item(item.id)
            comparison = self._compare(item)
            if comparison is None or not self._in_window(item):
                continue
            if group is None or comparison.group == group:
                found.append((item, comparison))
        return found

    def _from_partner(self, quoted_settles: bool, quotes: bool) -> list:
        """The payer's items the amount settles: one item, else a combination
        (or, when one item has exactly the amount and the title quotes
        nothing, the combinations too: they are as likely)."""
        if not self.payer.pool or not self.rule.uses(Signal.AMOUNT_PARTNER):
            return []
        penalty = NOT_THE_QUOTED_ONE if quoted_settles else 0.0
        suffix = [_lt("the title quotes another document")] if quoted_settles else []
        exact = self._candidates_by_amount(self.payer.pool)
        drafts = []
        tie = None
        if len(exact) > 1:
            tie = _lt(
                "%(count)s open items have the amount %(amount)s %(currency)s and "
                "the title names none of them",
                count=len(exact),
                amount=self.line.amount,
                currency=self.line.currency,
            )
            if not quoted_settles:
                self.notes.append(tie)
        as_exact = EXACT_WITH_PARTNER - EXACT_WITH_REFERENCE + penalty
        for entry in exact:
            clues = self.payer.strength(entry[0].partner_id)
            drafts.append(
                self._partner_draft(
                    entry, clues, as_exact, suffix, tie or self.payer.ambiguity, EXACT
                )
            )
        rule = self.rule
        several = rule.uses(Signal.SEVERAL_INVOICES) and rule.max_subset_size >= 2
        if exact:
            if len(exact) == 1 and not quotes and several:
                for partner_id in sorted(self.payer.pool):
                    strength, signals, phrases = self.payer.strength(partner_id)
                    drafts += self._several_of_partner(
                        self._partner_candidates(partner_id),
                        strength,
                        signals,
                        phrases,
                        suffix,
                    )
            return drafts
        tolerant = (
            rule.tolerance_amount is not None or rule.tolerance_percent is not None
        )
        for partner_id in sorted(self.payer.pool):
            candidates = self._partner_candidates(partner_id)
            clues = self.payer.strength(partner_id)
            strength, signals, phrases = clues
            ambiguity = self.payer.ambiguity
            drafts += [
                self._partner_draft(
                    entry, clues, as_exact, suffix, ambiguity, EARLY_DISCOUNT
                )
                for entry in candidates
                if entry[0].discount_residual is not None
            ]
            if tolerant:
                close = [
                    self._partner_draft(
                        entry, clues, penalty, suffix, ambiguity, TOLERANCE
                    )
                    for entry in candidates
                ]
                close = [draft for draft in close if draft is not None]
                if len(close) > 1:
                    tie = _lt(
                        "%(count)s open items are within the tolerance",
                        count=len(close),
                    )
                    for draft in close:
                        draft.ambiguity = draft.ambiguity or tie
                drafts += close
            if several:
                drafts += self._several_of_partner(
                    candidates, strength + penalty, signals, phrases, suffix
                )
        return drafts

    def _partner_draft(self, entry, clues, bonus, suffix, ambiguity, relation):
        """One open item of the payer, taken if the amount relates to it as
        ``relation``; ``clues`` are the payer's (strength, signals, phrases)."""
        strength, signals, phrases = clues
        return self._draft(
            [entry],
            base=strength + bonus,
            signals=[Signal.AMOUNT_PARTNER, *signals],
            reasons=[*phrases, _open_item(entry[0]), *suffix],
            ambiguity=ambiguity,
            allow=(relation,),
        )

    def _several_of_partner(self, candidates, base, signals, phrases, suffix) -> list:
        groups: dict[tuple, list] = {}
        for entry in candidates:
            groups.setdefault(entry[1].group, []).append(entry)
        drafts = []
        for entries in groups.values():
            value = abs(entries[0][1].value)
            search = self._subsets(entries, value, min_size=2)
            for solution in search.solutions:
                chosen = sorted(
                    (entries[index] for index in solution),
                    key=lambda entry: entry[0].due_date or entry[0].date,
                )
                names = ", ".join(item.move_name for item, _ in chosen)
                draft = self._draft(
                    chosen,
                    base=base + SEVERAL_BY_PARTNER,
                    signals=[Signal.SEVERAL_INVOICES, Signal.AMOUNT_PARTNER, *signals],
                    reasons=[
                        *phrases,
                        _lt(
                            "%(count)s open items (%(documents)s) add up to the "
                            "amount",
                            count=len(chosen),
                            documents=names,
                        ),
                        *suffix,
                    ],
                    ambiguity=self._subset_ambiguity(search) or self.payer.ambiguity,
                    allow=(EXACT,),
                )
                if draft is not None:
                    drafts.append(draft)
        return drafts

    def _subsets(self, entries, target: Decimal, *, min_size: int, max_size=None):
        """Exact combinations of ``entries`` (residuals) making ``target``,
        among the ``max_candidates`` closest in date to the line."""
        rule = self.rule
        when = self.line_date

        def distance(entry):
            item = entry[0]
            if when is None:
                return 0
            return abs((when - (item.due_date or item.date)).days)

        usable = [
            position
            for position, (_, comparison) in enumerate(entries)
            if 0 < abs(comparison.residual) <= target
        ]
        usable.sort(key=lambda position: distance(entries[position]))
        usable = usable[: rule.max_candidates]
        values = [abs(entries[position][1].residual) for position in usable]
        places = max(
            [-value.as_tuple().exponent for value in values]
            + [-target.as_tuple().exponent, 0]
        )
        scaled = [value.scaleb(places) for value in values]
        scaled_target = target.scaleb(places)
        if places > 8 or scaled_target != int(scaled_target):
            return find_subsets((), 0)
        search = find_subsets(
            [int(value) if value == int(value) else 0 for value in scaled],
            int(scaled_target),
            min_size=min_size,
            max_size=max_size or rule.max_subset_size,
            budget=rule.subset_budget,
        )
        return replace(
            search,
            solutions=tuple(
                tuple(usable[index] for index in solution)
                for solution in search.solutions
            ),
        )

    @staticmethod
    def _subset_ambiguity(search) -> str | None:
        if len(search.solutions) > 1:
            return _lt("several combinations of open items make the amount")
        if not search.complete:
            return _lt(
                "the search for combinations stopped at its limit: others may exist"
            )
        return None

    def _from_amount_only(self) -> list:
        if not self.rule.uses(Signal.AMOUNT_ONLY):
            return []
        found = self._candidates_by_amount(limit=AMOUNT_ONLY_SCAN)
        tie = None
        if len(found) > 1:
            tie = _lt(
                "%(count)s open items of different partners have the amount "
                "%(amount)s %(currency)s; nothing says which",
                count=len(found),
                amount=self.line.amount,
                currency=self.line.currency,
            )
            self.notes.append(tie)
        return [self._amount_only_draft(entry, tie) for entry in found]

    def _amount_only_draft(self, entry, ambiguity, *more_reasons) -> _Draft | None:
        item = entry[0]
        return self._draft(
            [entry],
            base=AMOUNT_ONLY_CONFIDENCE - EXACT_WITH_REFERENCE,
            signals=[Signal.AMOUNT_ONLY],
            reasons=[
                _lt(
                    "open item %(document)s of %(partner)s, same amount",
                    document=item.move_name,
                    partner=self.index.partner_name(item.partner_id),
                ),
                *more_reasons,
            ],
            ambiguity=ambiguity,
            allow=(EXACT,),
        )

    # --- ranking --------------------------------------------------------------

    def _finish(self, drafts: list) -> LineResult:
        merged: dict[tuple, _Draft] = {}
        for draft in _first_installments(drafts):
            key = (draft.kind, tuple(sorted(str(item.id) for item in draft.items)))
            known = merged.get(key)
            if known is None:
                merged[key] = draft
                continue
            # The same allocation reached another way: the stronger draft
            # explains it, the other only adds its signals.
            keep, other = (known, draft)
            if draft.confidence > known.confidence:
                keep, other = draft, known
            keep.signals.update(other.signals)
            merged[key] = keep
        mark_ties(merged.values(), self.quoted_ids, self.index.partner_name)
        ranked = sorted(
            merged.values(),
            key=lambda draft: rank_key(draft, self.quoted_ids, self.line_date),
        )
        ranked = ranked[: self.rule.max_proposals]
        proposals = [self._proposal(draft) for draft in ranked]
        if proposals:
            blockers = auto_blockers(proposals, self.rule)
            if blockers:
                self.notes.append(
                    _lt("not automatic: %(why)s", why=Joined("; ", blockers))
                )
            else:
                proposals[0] = replace(proposals[0], auto=True)
        return self._result(tuple(proposals), None)

    def _proposal(self, draft: _Draft) -> Proposal:
        settlement = draft.settlement
        split = self.split
        if Signal.SPLIT_PAYMENT not in draft.signals:
            split = None
        return Proposal(
            kind=draft.kind,
            allocations=settlement.allocations,
            confidence=round(min(max(draft.confidence, 0.0), 1.0), 3),
            signals=tuple(draft.signals),
            reason=Joined("; ", dict.fromkeys(draft.reasons)),
            partner_id=draft.partner_id,
            write_off=settlement.write_off,
            unallocated=settlement.unallocated,
            early_discount=settlement.early_discount,
            ambiguity=draft.ambiguity,
            split_payment=split,
            rule_id=self.rule.rule_id,
        )

    def _result(self, proposals: tuple[Proposal, ...], fee) -> LineResult:
        partners = set(self.payer.pool)
        if not partners and proposals and proposals[0].partner_id is not None:
            partners = {proposals[0].partner_id}
        return LineResult(
            line_id=self.line.id,
            proposals=proposals,
            fee=fee,
            split_payment=self.split,
            partner_ids=tuple(sorted(partners)),
            notes=tuple(dict.fromkeys(self.notes)),
            rule_id=self.rule.rule_id,
        )


def _first_installments(drafts: list) -> list:
    """The drafts, but of equal installments of one invoice (same kind, same
    amount, same confidence) only the one due first: paying either settles the
    same invoice, and Odoo itself pays the earliest due first. Without this
    they would be a tie that no one needs to settle."""
    kept: dict[tuple, _Draft] = {}
    for draft in drafts:
        if draft is None:
            continue
        if len(draft.items) != 1:
            kept[(id(draft),)] = draft
            continue
        item = draft.items[0]
        key = (
            draft.kind,
            item.move_id,
            item.residual_in_currency,
            round(draft.confidence, 3),
        )
        known = kept.get(key)
        if known is None or _due(item) < _due(known.items[0]):
            kept[key] = draft
    return list(kept.values())


def _due(item):
    return item.due_date or item.date


def _open_item(item):
    return _lt("open item %(document)s", document=item.move_name)
