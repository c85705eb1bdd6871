"""Bank fees and commissions: lines that pay no invoice."""

from .config import FeeRule, fold_text
from .model import FeeProposal, Signal, StatementLine
from .texts import _lt

FEE_CODE_CONFIDENCE = 0.98
FEE_KEYWORD_CONFIDENCE = 0.9


def _applies(rule: FeeRule, line: StatementLine) -> bool:
    if rule.outgoing_only and line.amount >= 0:
        return False
    return rule.max_amount is None or abs(line.amount) <= rule.max_amount


def fee_by_code(line: StatementLine, rules: tuple[FeeRule, ...]) -> FeeProposal | None:
    """A fee recognised by the bank's transaction code (``NCHG``, ``NCOM``...)."""
    code = (line.transaction_code or "").strip().upper()
    if not code:
        return None
    for rule in rules:
        if code in rule.codes and _applies(rule, line):
            return FeeProposal(
                amount=line.amount,
                fee_rule=rule.name,
                reference=rule.reference,
                confidence=FEE_CODE_CONFIDENCE,
                signals=(Signal.FEE_CODE,),
                reason=_lt(
                    "bank transaction code %(code)s is a fee (%(rule)s)",
                    code=code,
                    rule=rule.name,
                ),
                auto=rule.auto,
            )
    return None


def fee_by_keyword(
    line: StatementLine, rules: tuple[FeeRule, ...]
) -> FeeProposal | None:
    """A fee recognised by a keyword of the title. The caller only asks when the
    title quotes no invoice."""
    title = fold_text(line.payment_ref)
    for rule in rules:
        pattern = rule.keyword_pattern
        found = pattern.search(title) if pattern is not None else None
        if found and _applies(rule, line):
            return FeeProposal(
                amount=line.amount,
                fee_rule=rule.name,
                reference=rule.reference,
                confidence=FEE_KEYWORD_CONFIDENCE,
                signals=(Signal.FEE_KEYWORD,),
                reason=_lt(
                    "'%(keyword)s' in the title is a fee (%(rule)s)",
                    keyword=found.group(),
                    rule=rule.name,
                ),
                auto=rule.auto,
            )
    return None
