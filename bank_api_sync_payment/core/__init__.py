"""Plain-Python core of the payments add-on (no Odoo import): account and tax
id checks, the order checks, split payment titles, the Elixir-O writer, the
VAT white list client (and its stand-in) and the audit fingerprints."""

# The payment initiators register themselves for their clients' classes.
from . import initiation, polishapi_payments
