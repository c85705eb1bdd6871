"""Polish split payment (mechanizm podzielonej płatności, MPP) titles.

A split payment carries, in its title, the VAT amount that the bank moves to
the supplier's VAT account, the supplier's NIP and the invoice number:
``/VAT/<amount with a decimal comma>/IDC/<NIP>/INV/<invoice>/TXT/<text>``,
in at most 140 characters (four lines of 35 in a domestic transfer). The
VAT amount of a partial payment is the invoice's VAT in the same share.
"""

from decimal import ROUND_HALF_UP, Decimal

from .texts import _lt

TITLE_MAX = 140
INVOICE_MAX = 35
CENT = Decimal("0.01")


class SplitPaymentError(ValueError):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def vat_share(paid: Decimal, invoice_total: Decimal, invoice_vat: Decimal) -> Decimal:
    """The VAT part of ``paid`` when paying ``invoice_total`` whose VAT is
    ``invoice_vat``: all of it for a full payment, the same share for a part."""
    paid, total, vat = Decimal(paid), Decimal(invoice_total), Decimal(invoice_vat)
    if total <= 0 or paid >= total:
        return vat.quantize(CENT, ROUND_HALF_UP)
    return min(vat, vat * paid / total).quantize(CENT, ROUND_HALF_UP)


def split_payment_title(
    vat_amount: Decimal, nip: str | None, invoice_number: str | None, text: str = ""
) -> str:
    """The title of a split payment; SplitPaymentError when a part the bank
    needs is missing or does not fit."""
    vat_amount = Decimal(vat_amount)
    if vat_amount < 0:
        raise SplitPaymentError(_lt("the VAT amount of a split payment is negative"))
    if not nip or len(nip) != 10 or not nip.isdigit():
        raise SplitPaymentError(
            _lt("a split payment needs the supplier's Polish NIP (10 digits)")
        )
    invoice = " ".join((invoice_number or "").split())
    if not invoice:
        raise SplitPaymentError(_lt("a split payment needs the invoice number"))
    if len(invoice) > INVOICE_MAX:
        raise SplitPaymentError(
            _lt(
                "invoice number %(number)s is longer than the %(max)s characters "
                "a split payment title allows",
                number=invoice,
                max=INVOICE_MAX,
            )
        )
    amount = f"{vat_amount.quantize(CENT, ROUND_HALF_UP):.2f}".replace(".", ",")
    title = f"/VAT/{amount}/IDC/{nip}/INV/{invoice}"
    free_text = " ".join(text.replace("/", " ").split())
    room = TITLE_MAX - len(title) - len("/TXT/")
    if free_text and room > 0:
        title += f"/TXT/{free_text[:room]}"
    return title
