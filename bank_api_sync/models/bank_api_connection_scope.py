# What a connection's consent asks the bank for, in a file of its own, away
# from the connection's features.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models

from ..core.providers import ACCESS_SCOPES

# Scope (as the core names it) -> the connection's field that asks for it.
SCOPE_FIELDS = {"balances": "scope_balances", "transactions": "scope_transactions"}
# What ``consent_scopes`` holds for a consent asked for neither.
NO_SCOPE = "none"


class BankApiConnection(models.Model):
    """Least privilege per connection: the consent asks the bank only for the
    access ticked here (account balances, transactions), and the sync reads
    only what both the connection and its current consent cover. Changing
    them while a consent is given needs a new consent (Renew Consent); the
    change is tracked in the chatter. The providers turn the scopes into
    their own consent request (``ConnectionSettings.scopes``)."""

    _inherit = "bank.api.connection"

    scope_balances = fields.Boolean(
        string="Balances",
        default=True,
        tracking=True,
        help="The consent asked of the bank covers the balances of the "
        "accounts: the sync records them and checks them against Odoo's.",
    )
    scope_transactions = fields.Boolean(
        string="Transactions",
        default=True,
        tracking=True,
        help="The consent asked of the bank covers the transactions of the "
        "accounts: the sync imports them as bank statement lines. Without "
        "it, only balances are read.",
    )
    consent_scopes = fields.Char(
        string="Consent Given For",
        readonly=True,
        copy=False,
        help="What the current consent was asked for (empty: a consent given "
        "before scopes existed, which covers balances and transactions).",
    )
    scope_renewal_needed = fields.Boolean(compute="_compute_scope_renewal_needed")

    @api.depends("scope_balances", "scope_transactions", "consent_scopes", "consent_id")
    def _compute_scope_renewal_needed(self):
        for connection in self:
            connection.scope_renewal_needed = bool(
                connection.consent_id
                and connection._access_scopes() != connection._consented_scopes()
            )

    def _access_scopes(self):
        """The scopes ticked on the connection (what a new consent asks)."""
        self.ensure_one()
        return frozenset(scope for scope, name in SCOPE_FIELDS.items() if self[name])

    def _consented_scopes(self):
        """What the current consent was asked for."""
        self.ensure_one()
        if not self.consent_scopes:
            return ACCESS_SCOPES
        return frozenset(self.consent_scopes.split(",")) & ACCESS_SCOPES

    def _sync_scopes(self):
        """What a sync may read: ticked on the connection and covered by the
        consent given (a scope ticked since needs Renew Consent first)."""
        self.ensure_one()
        return self._access_scopes() & self._consented_scopes()

    def _client_settings(self, user_present=False, psu=None):
        settings = super()._client_settings(user_present=user_present, psu=psu)
        settings.scopes = self._access_scopes()
        return settings

    def _store_consent(self, consent):
        """A new consent was asked for the scopes ticked now."""
        new = {
            connection
            for connection in self
            if consent.consent_id and connection.consent_id != consent.consent_id
        }
        result = super()._store_consent(consent)
        for connection in new:
            connection.consent_scopes = (
                ",".join(sorted(connection._access_scopes())) or NO_SCOPE
            )
        return result

    def _scope_changed(self, vals):
        return any(
            bool(vals[name]) != self[name]
            for name in SCOPE_FIELDS.values()
            if name in vals
        )

    def write(self, vals):
        renew = self.filtered(
            lambda connection: connection.consent_id and connection._scope_changed(vals)
        )
        result = super().write(vals)
        for connection in renew:
            connection.message_post(body=connection._scope_renewal_text())
        return result

    def _scope_renewal_text(self):
        return self.env._(
            "The access this connection asks for changed: the current consent "
            "was given for other access. Renew the consent (Renew Consent) so "
            "that the bank grants what is ticked now; until then the sync reads "
            "only what both the connection and the consent cover."
        )

    @api.onchange(*SCOPE_FIELDS.values())
    def _onchange_scopes_renewal(self):
        origin = self._origin
        if not origin or not origin.consent_id:
            return None
        if all(self[name] == origin[name] for name in SCOPE_FIELDS.values()):
            return None
        return {
            "warning": {
                "title": self.env._("A new consent is needed"),
                "message": self._scope_renewal_text(),
            }
        }
