"""The sandbox bank's intraday report as MT942 (``Accept: text/plain`` and
``format=mt942``).

NextGenPSD2 lets a bank answer the transaction list as text (MT940, MT942)
when the client asks for ``text/plain``; which of the two is the bank's
choice. The sandbox answers MT940 (mt940.py) unless the query also says
``format=mt942`` (the sandbox's own parameter, as a bank's file channel
offers its intraday file beside the end-of-day one). The answer is one
interim report of today, the day the bank's clock is in, whatever the
window asked:

- :20: the account's ledger code, the date and ``I``; :28C: the day of the
  year (as the MT940 statement of the same day); :34F: a floor limit of 0
  (every movement reported); :13D: the bank's time of the report (UTC);
- each movement booked today so far, rendered exactly as in the end-of-day
  MT940 statement of today (same :61: bank reference, same :86:), so that an
  importer keys the intraday movement and its end-of-day copy alike: the
  MT940 statement confirms the lines of the report instead of adding them
  again;
- :90D: / :90C: the number and sum of the debits and of the credits.

Booked transactions only (``bookingStatus=booked``), like MT940.
"""

from decimal import Decimal

from ..siblings import mt940_writer
from . import mt940
from .server import Response, tpp_error

FORMAT = "mt942"


def wants_mt942(request) -> bool:
    """Whether the client asked for text and the intraday report."""
    return (
        mt940.wants_mt940(request)
        and (request.query.get("format") or "").lower() == FORMAT
    )


def _amount(amount):
    return mt940_writer.format_amount(amount)


def report_lines(bank, account) -> list:
    """The lines of today's MT942 report of ``account``."""
    today = bank.today()
    (statement,) = mt940.statements(bank, account, today, today)
    currency = statement.currency
    now = bank.now()
    code = bank.ledger_book.codes[account.resource_id]
    out = [
        f":20:{code}{today:%y%m%d}I"[:16],
        f":25:{statement.account}",
        f":28C:{statement.statement_number}/1",
        f":34F:{currency}0,",
        f":13D:{now:%y%m%d%H%M}+0000",
    ]
    debits = [line.amount for line in statement.lines if line.amount < 0]
    credits = [line.amount for line in statement.lines if line.amount >= 0]
    for line in statement.lines:
        field_61 = mt940_writer.render_61(line)
        out.append(":61:" + field_61[0])
        out.extend(field_61[1:])
        if line.details is not None:
            field_86 = mt940_writer.render_86(
                line.details, "polish", "^", line.amount < 0
            )
            out.append(":86:" + field_86[0])
            out.extend(field_86[1:])
    out.append(f":90D:{len(debits)}{currency}{_amount(sum(debits, Decimal(0)))}")
    out.append(f":90C:{len(credits)}{currency}{_amount(sum(credits, Decimal(0)))}")
    out.append("-")
    return out


def transactions_response(bank, account, status) -> Response:
    """The MT942 answer to a transaction list asked as ``text/plain`` with
    ``format=mt942``."""
    if status != "booked":
        return tpp_error(
            400,
            "PARAMETER_NOT_SUPPORTED",
            "MT942 carries booked transactions only: ask for bookingStatus=booked "
            "(pending ones are served as JSON).",
        )
    body = "\r\n".join(report_lines(bank, account)) + "\r\n"
    return Response(200, body.encode("utf-8"), content_type=mt940.MEDIA_TYPE)
