import hashlib
import logging
import secrets
from datetime import timedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# How long the customer has at the bank's page before the state goes stale.
STATE_LIFETIME = timedelta(minutes=15)
MAX_STATE_LENGTH = 128  # ours are 43 characters; anything longer is not ours


class BankApiConsentAuthorization(models.Model):
    """A consent the customer is approving at the bank's page right now.

    Connect (or Renew Consent) creates one and sends its ``state``, a random
    single-use token, to the bank with the address to come back to; the bank
    hands it back on that address (``/bank_api_sync/consent/return``), which
    redeems it. Only a hash of the state is stored: a database dump gives
    nobody a state to come back with. A state is good for one return, within
    ``STATE_LIFETIME``, for the user who started it, in a company they still
    work in.
    """

    _name = "bank.api.consent.authorization"
    _description = "Bank Consent Authorization in Progress"
    _order = "id desc"

    connection_id = fields.Many2one(
        "bank.api.connection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", required=True, ondelete="cascade")
    state_hash = fields.Char(required=True, index=True, copy=False)
    # The consent at the bank the customer approves (stored on the connection
    # only once approved: a renewal keeps the current one until then).
    consent_id = fields.Char(copy=False)
    expires_at = fields.Datetime(required=True)
    used_at = fields.Datetime(copy=False)

    _sql_constraints = [
        ("state_hash_uniq", "unique(state_hash)", "A consent state is used once."),
    ]

    @api.model
    def _hash_state(self, state):
        return hashlib.sha256(state.encode("utf-8")).hexdigest()

    @api.model
    def _start(self, connection):
        """A new state for ``connection``, started by the current user in the
        connection's company; returns the state (shown to nobody but the
        bank and the customer's browser)."""
        state = secrets.token_urlsafe(32)
        self.sudo().create(
            {
                "connection_id": connection.id,
                "company_id": connection.company_id.id,
                "user_id": self.env.uid,
                "state_hash": self._hash_state(state),
                "expires_at": fields.Datetime.now() + STATE_LIFETIME,
            }
        )
        return state

    @api.model
    def _find(self, state):
        """The authorization of ``state`` (sudo; empty for a state not ours)."""
        if not isinstance(state, str) or not 0 < len(state) <= MAX_STATE_LENGTH:
            return self.sudo().browse()
        return self.sudo().search(
            [("state_hash", "=", self._hash_state(state))], limit=1
        )

    @api.model
    def _redeem(self, state):
        """(authorization, None) when the current user may complete the
        consent of ``state``, marked used; else (None, why): "unknown" (forged
        or mistyped), "other_user", "other_company", "replayed", "stale"."""
        authorization_sudo = self._find(state)
        if not authorization_sudo:
            return None, "unknown"
        user = self.env.user
        if authorization_sudo.user_id != user:
            return None, "other_user"
        if authorization_sudo.company_id not in user.company_ids:
            return None, "other_company"
        # Single use even when the browser sends the return twice at once:
        # only one UPDATE finds it unused.
        now = fields.Datetime.now()
        self.env.cr.execute(
            "UPDATE bank_api_consent_authorization SET used_at = %s "
            "WHERE id = %s AND used_at IS NULL RETURNING id",
            [now, authorization_sudo.id],
        )
        if not self.env.cr.fetchone():
            return None, "replayed"
        authorization_sudo.invalidate_recordset(["used_at"])
        if authorization_sudo.expires_at < now:
            return None, "stale"
        return authorization_sudo, None

    def _complete(self, connection, params):
        """The customer is back from the bank with ``params``: complete what
        this authorization was started for (here the connection's consent;
        an add-on whose authorizations are for something else overrides
        this) and return the address of the page to show next."""
        self.ensure_one()
        connection._complete_authorization(self, params)
        return f"/odoo/bank-connections/{connection.id}"

    @api.autovacuum
    def _gc_expired(self):
        """Forget authorizations a day after they expired."""
        self.sudo().search(
            [("expires_at", "<", fields.Datetime.now() - timedelta(days=1))]
        ).unlink()
