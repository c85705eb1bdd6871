# Where a connection sends its credentials is guarded in a file of its own,
# away from the connection's features.
# pylint: disable=consider-merging-classes-inherited
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..core.matching.texts import _lt
from .core_texts import post_text

_logger = logging.getLogger(__name__)

# Who may change where a connection's credentials go.
ENDPOINT_GROUP = "base.group_system"


class BankApiConnection(models.Model):
    """The fields that decide where the client secret and the tokens are
    sent (the API URL, the client identity, certificates) are changed only
    by Settings administrators and tracked in the chatter. A new API URL
    discards the stored secret, tokens and consent: they were given for the
    old host, and must be entered (and the consent given) again.

    A provider with fields of that kind (a certificate, an OAuth server)
    adds them in ``_endpoint_fields()``."""

    _inherit = "bank.api.connection"

    base_url = fields.Char(tracking=True)
    client_id = fields.Char(tracking=True)
    # The default: a new connection's form (its first onchange puts False in
    # every field without one, and this compute has no dependency to redo it)
    # lets a Settings administrator type the API URL.
    can_edit_endpoint = fields.Boolean(
        compute="_compute_can_edit_endpoint",
        default=lambda self: self._may_edit_endpoint(),
    )

    def _compute_can_edit_endpoint(self):
        self.can_edit_endpoint = self._may_edit_endpoint()

    @api.model
    def _endpoint_fields(self):
        """Fields only Settings administrators change."""
        return {"base_url", "client_id"}

    @api.model
    def _credential_host_fields(self):
        """Fields whose change sends the credentials to another host: the
        stored secret, tokens and consent go with the old value."""
        return {"base_url"}

    def _may_edit_endpoint(self):
        return self.env.su or self.env.user.has_group(ENDPOINT_GROUP)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_endpoint_change(
                {name for name in self._endpoint_fields() if vals.get(name)}
            )
        return super().create(vals_list)

    def write(self, vals):
        changed = {
            name
            for name in self._endpoint_fields() & set(vals)
            for connection in self
            if (connection[name] or False) != (vals[name] or False)
        }
        self._check_endpoint_change(changed)
        moved = self.filtered(
            lambda connection: any(
                (connection[name] or False) != (vals[name] or False)
                for name in self._credential_host_fields() & set(vals)
            )
        )
        # Before writing: a secret entered in the same save is the new one.
        moved._forget_credentials()
        return super().write(vals)

    def _check_endpoint_change(self, changed):
        if not changed or self._may_edit_endpoint():
            return
        labels = ", ".join(
            sorted(self._fields[name]._description_string(self.env) for name in changed)
        )
        _logger.warning(
            "User %s was refused changing %s of bank connection(s) %s",
            self.env.user.login,
            labels,
            self.ids,
        )
        raise AccessError(
            self.env._(
                "Only Settings administrators may change %(fields)s of a bank "
                "connection: it decides where the client secret and the tokens "
                "are sent.",
                fields=labels,
            )
        )

    def _forget_credentials(self):
        """Discard the secret, tokens and consent given for the old host."""
        if not self:
            return
        self.sudo().write(
            {
                "client_secret_encrypted": False,
                "access_token_encrypted": False,
                "refresh_token_encrypted": False,
                "token_expires_at": False,
                "consent_id": False,
                "consent_status": False,
                "consent_valid_until": False,
                "state": "draft",
                "next_sync_at": False,
            }
        )
        for connection in self:
            post_text(
                connection,
                _lt(
                    "The API URL changed: the client secret, the tokens and the "
                    "consent given for the old address were discarded. Enter the "
                    "secret again, then Connect."
                ),
            )
