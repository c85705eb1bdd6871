"""Plain-Python core of the GoCardless add-on (no Odoo import).

``client``: the GoCardless Bank Account Data API client, registered as
provider ``gocardless`` when this package is imported; ``sandbox``: a bank
with GoCardless's paths, shapes, errors and rate limits, served over real
HTTP for the tests and the demo.
"""

from . import client
