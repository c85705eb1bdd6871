"""The open items, indexed once for every lookup a line needs.

Matching a line never walks all the items: document numbers and payment
references are found through a dictionary of token sequences (only the title's
tokens that can start a number are tried), RF references and amounts through
dictionaries, and partner lists (sorted by date) are only read for the partners
a line is attributed to.
"""

import bisect
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .model import MatchContext, OpenItem, Signal
from .normalize import (
    GLUE,
    DocumentKey,
    Token,
    account_key,
    document_key,
    join_title_lines,
    reference_tokens,
    tokenize,
    vat_key,
)
from .references import is_valid_rf, rf_compact


@dataclass(frozen=True, slots=True)
class KeyEntry:
    """One item reachable through a number: ``source`` is the signal a match
    gives (``Signal.INVOICE_NUMBER`` or ``Signal.PAYMENT_REFERENCE``),
    ``label`` the number as the item writes it."""

    item_id: Hashable
    source: str
    key: DocumentKey
    label: str


@dataclass(frozen=True, slots=True)
class TextHit:
    """A number found in a title: the entries it reaches and the title's text
    that matched (``quoted``)."""

    entries: tuple[KeyEntry, ...]
    quoted: str


class OpenItemIndex:
    """Open items by number, reference, RF reference, partner, amount and VAT,
    plus the context's account maps in comparable form."""

    def __init__(self, items: Iterable[OpenItem], context: MatchContext):
        self.company_currency = context.company_currency
        self.company_vat = vat_key(context.company_vat)
        self.items: dict[Hashable, OpenItem] = {}
        self.by_rf: dict[str, list[Hashable]] = {}
        self.by_amount: dict[tuple[str, Decimal], list[Hashable]] = {}
        self.by_partner_amount: dict[tuple, list[Hashable]] = {}
        self.partners_by_vat: dict[str, set[int]] = {}
        self.partner_names: dict[int, str] = dict(context.partner_names)
        self._by_partner: dict[int, list[OpenItem]] = {}
        self._partner_dates: dict[int, list[date]] = {}
        self._exact: dict[tuple[str, ...], list[KeyEntry]] = {}
        self._searchable: dict[tuple[str, ...], list[KeyEntry]] = {}
        self._compact: dict[str, list[KeyEntry]] = {}
        self._heads: set[str] = set()
        self._vat_keys: dict[str, str | None] = {}
        for item in items:
            self._add(item)
        self._lengths = sorted({len(key) for key in self._searchable}, reverse=True)
        for partner_id, partner_items in self._by_partner.items():
            partner_items.sort(key=lambda item: item.date)
            self._partner_dates[partner_id] = [item.date for item in partner_items]
        self.partner_ibans: dict[str, frozenset[int]] = {}
        for number, partner_ids in context.partner_ibans.items():
            key = account_key(number)
            if key:
                known = self.partner_ibans.get(key, frozenset())
                self.partner_ibans[key] = known | frozenset(partner_ids)
        self.virtual_accounts = {
            account_key(number): partner_id
            for number, partner_id in context.virtual_accounts.items()
            if account_key(number)
        }

    # --- building ---------------------------------------------------------

    def _add(self, item: OpenItem) -> None:
        if item.id in self.items:
            raise ValueError(f"open item {item.id!r} given twice")
        self.items[item.id] = item
        seen: set[tuple[str, ...]] = set()
        texts_seen: set[str] = set()
        for text, source in (
            (item.move_name, Signal.INVOICE_NUMBER),
            (item.ref, Signal.INVOICE_NUMBER),
            (item.payment_reference, Signal.PAYMENT_REFERENCE),
        ):
            if not text or text in texts_seen:
                continue
            texts_seen.add(text)
            if (
                source == Signal.PAYMENT_REFERENCE
                and text.lstrip()[:2].upper() == "RF"
                and is_valid_rf(text)
            ):
                self.by_rf.setdefault(rf_compact(text), []).append(item.id)
                continue
            key = document_key(text)
            if key is None or key.tokens in seen:
                continue  # the reference is the number itself: one piece of evidence
            seen.add(key.tokens)
            entry = KeyEntry(item.id, source, key, text.strip())
            self._exact.setdefault(key.tokens, []).append(entry)
            if len(key.tokens) > 1:
                self._compact.setdefault(key.compact, []).append(entry)
            if key.searchable:
                self._searchable.setdefault(key.tokens, []).append(entry)
                self._heads.add(key.tokens[0])
        amounts = {(item.currency, item.residual_in_currency)}
        if item.currency != self.company_currency:
            amounts.add((self.company_currency, item.amount_residual))
        for amount_key in amounts:
            self.by_amount.setdefault(amount_key, []).append(item.id)
            self.by_partner_amount.setdefault(
                (item.partner_id, *amount_key), []
            ).append(item.id)
        if item.partner_id is not None:
            self._by_partner.setdefault(item.partner_id, []).append(item)
            if item.partner_name:
                self.partner_names.setdefault(item.partner_id, item.partner_name)
            vat = None
            if item.partner_vat:
                vat = self._vat_keys.get(item.partner_vat)
                if vat is None:
                    vat = self._vat_keys[item.partner_vat] = vat_key(item.partner_vat)
            if vat:
                self.partners_by_vat.setdefault(vat, set()).add(item.partner_id)

    # --- lookups ----------------------------------------------------------

    def partner_name(self, partner_id: int | None) -> str:
        if partner_id is None:
            return "no partner"
        return self.partner_names.get(partner_id) or f"partner #{partner_id}"

    def partner_items(self, partner_id: int, dated_until: date | None = None):
        """The partner's open items dated no later than ``dated_until``
        (all of them when None), oldest first."""
        items = self._by_partner.get(partner_id, ())
        if dated_until is None or not items:
            return items
        end = bisect.bisect_right(self._partner_dates[partner_id], dated_until)
        return items[:end]

    def lookup_exact(self, number: str | None) -> list[KeyEntry]:
        """Items whose number or reference *is* ``number`` (normalised), however
        weak: for fields that name an invoice explicitly, as ``/INV/``."""
        tokens = reference_tokens(number)
        entries = list(self._exact.get(tokens, ()))
        compact = "".join(token.raw for token in tokenize(number))
        entries.extend(
            entry for entry in self._compact.get(compact, ()) if entry not in entries
        )
        return entries

    def find_in_text(self, text: str | None) -> list[TextHit]:
        """Numbers and references quoted in a free-text title.

        A number matches where its tokens appear contiguously and the title
        does not continue it with more digits (``FV/2026/11/0012`` is not in
        ``FV/2026/11/0012/3``); the longest number wins where several start at
        the same place. Digit-only numbers must be written with the same zeros
        and never as an amount. The title is also read with its line breaks
        removed, for numbers the bank's line wrapping cut in two.
        """
        if not text:
            return []
        variants = [text]
        if "\n" in text or "\r" in text:
            variants.append(join_title_lines(text))
        hits: dict[tuple, TextHit] = {}
        for variant in variants:
            upper = variant.upper()
            shown = variant if len(variant) == len(upper) else upper
            tokens = tokenize(variant)
            spans = self._scan(upper, tokens) + self._scan_compact(upper, tokens)
            for start, end, entries in spans:
                quoted = shown[tokens[start].start : tokens[end - 1].end]
                self._remember(hits, entries, quoted)
        return list(hits.values())

    def _scan_compact(self, upper: str, tokens: list[Token]):
        """Numbers written without any separator (``FV2026110012``): each run
        of letters and digits is looked up whole, zeros kept."""
        spans = []
        start, count = 0, len(tokens)
        while start < count:
            end = start + 1
            while end < count and tokens[end].start == tokens[end - 1].end:
                end += 1
            if end - start > 1:
                compact = "".join(token.raw for token in tokens[start:end])
                entries = [
                    entry
                    for entry in self._compact.get(compact, ())
                    if entry.key.searchable
                    and _fits(entry.key, upper, tokens, start, end)
                ]
                if entries:
                    spans.append((start, end, entries))
            start = end
        return spans

    @staticmethod
    def _remember(hits: dict, entries, quoted: str) -> None:
        key = tuple(sorted((str(entry.item_id), entry.source) for entry in entries))
        hits.setdefault(key, TextHit(tuple(entries), quoted))

    def _scan(self, upper: str, tokens: list[Token]):
        spans = []
        count = len(tokens)
        for start, token in enumerate(tokens):
            if token.text not in self._heads:
                continue
            for length in self._lengths:
                end = start + length
                if end > count:
                    continue
                candidates = self._searchable.get(
                    tuple(part.text for part in tokens[start:end])
                )
                if not candidates:
                    continue
                entries = [
                    entry
                    for entry in candidates
                    if _fits(entry.key, upper, tokens, start, end)
                ]
                if entries:
                    spans.append((start, end, entries))
                    break
        return [
            span
            for span in spans
            if not any(
                other[0] <= span[0] and span[1] <= other[1] and other is not span
                for other in spans
            )
        ]


def _separator(upper: str, tokens: list[Token], left: int, right: int) -> str:
    return upper[tokens[left].end : tokens[right].start]


def _fits(key: DocumentKey, upper: str, tokens: list[Token], start, end) -> bool:
    """Whether the tokens ``start:end`` of a title really are the number ``key``
    and not part of a longer number or an amount."""
    before = _separator(upper, tokens, start - 1, start) if start > 0 else None
    after = _separator(upper, tokens, end - 1, end) if end < len(tokens) else None
    if before in GLUE and tokens[start - 1].is_digits:
        return False
    if after in GLUE and tokens[end].is_digits:
        return False
    if not key.digits_only:
        return True
    if tuple(token.raw for token in tokens[start:end]) != key.raw:
        return False
    if before in GLUE or after in GLUE:
        return False  # glued to letters: a different, prefixed number
    if before in {",", "."} and tokens[start - 1].is_digits:
        return False
    return not (
        after in {",", "."} and tokens[end].is_digits and len(tokens[end].raw) == 2
    )
