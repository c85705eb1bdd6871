"""Plain-Python core of the Enable Banking add-on (no Odoo import).

``client``: the Enable Banking API client, registered as provider
``enablebanking`` when this package is imported; ``sandbox``: a bank with
Enable Banking's paths, shapes, errors and limits, served over real HTTP for
the tests and the demo.
"""

from . import client
