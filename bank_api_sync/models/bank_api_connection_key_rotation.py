# Rotating the key that encrypts the credentials is an operator's job with a
# command of its own (cli/rotate_key.py): kept apart from the connection's
# features.
# pylint: disable=consider-merging-classes-inherited
import logging

from odoo import api, models
from odoo.exceptions import AccessError

from ..core import errors as core_errors

_logger = logging.getLogger(__name__)


class BankApiConnection(models.Model):
    """Re-encrypt every stored credential under the newest encryption key.

    The key lives outside the database (``bank_api_sync_encryption_key`` in
    the Odoo configuration file, or ``BANK_API_SYNC_ENCRYPTION_KEY``): list
    the new key first and the old one after it, run
    ``odoo-bin bank_api_rotate_key -c <conf> -d <db>``, then drop the old key.
    """

    _inherit = "bank.api.connection"

    @api.model
    def _encrypted_secret_fields(self):
        """The fields holding ciphertext of this model: by convention every
        secret is stored in a field named ``*_encrypted`` (client secret,
        tokens, certificates, webhook secrets, an aggregator's key), so a
        secret an add-on adds is rotated without registering it anywhere."""
        return sorted(name for name in self._fields if name.endswith("_encrypted"))

    @api.model
    def _rotate_encryption_key(self):
        """Re-encrypt every stored secret of every connection (all companies,
        archived ones too) with the first configured key, each checked to
        decrypt with that key alone. Returns ``(rotated, unreadable)``: the
        number of secrets re-encrypted and, for those no configured key reads,
        "connection (id): field" (never the secret). Settings administrators
        and the server itself only."""
        if not (self.env.su or self.env.user.has_group("base.group_system")):
            raise AccessError(
                self.env._(
                    "Only Settings administrators may re-encrypt bank credentials."
                )
            )
        box = self._secret_box()
        fields_to_rotate = self._encrypted_secret_fields()
        connections_sudo = self.sudo().with_context(active_test=False).search([])
        rotated, unreadable = 0, []
        for connection_sudo in connections_sudo:
            values = {}
            for field_name in fields_to_rotate:
                ciphertext = connection_sudo[field_name]
                if not ciphertext:
                    continue
                try:
                    values[field_name] = box.rotate(ciphertext)
                except core_errors.BankApiError:
                    unreadable.append(
                        f"{connection_sudo.name} ({connection_sudo.id}): {field_name}"
                    )
            if values:
                connection_sudo.write(values)
                rotated += len(values)
        _logger.info(
            "Bank credentials re-encrypted under the newest key: %s secret(s) "
            "of %s connection(s); %s unreadable",
            rotated,
            len(connections_sudo),
            len(unreadable),
        )
        return rotated, unreadable
