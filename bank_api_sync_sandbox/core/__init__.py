"""Plain-Python core of the Sandbox Bank add-on (no Odoo import).

``sandbox/``: the bank itself, a Berlin Group NextGenPSD2 bank served over
real HTTP (``python -m odoo.addons.bank_api_sync_sandbox.core.sandbox``);
``client``: its provider client, registered as ``sandbox`` when this package
is imported.
"""

from . import client
