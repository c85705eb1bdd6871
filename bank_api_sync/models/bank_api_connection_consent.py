# The consent round trip is a file of its own beside the connection's base
# (which other work edits too): one extension, one concern.
# pylint: disable=consider-merging-classes-inherited
from odoo import models

from ..core import errors as core_errors
from ..core.matching.texts import _lt
from .core_texts import post_text


class BankApiConnection(models.Model):
    """The consent round trip through the bank's page.

    Connect (and Renew Consent) ask the provider's client to start the
    authorization with a single-use ``state`` (``bank.api.consent.authorization``)
    and the return address ``_consent_return_url()``; the customer approves
    at the bank, which sends them back to that address, where the controller
    redeems the state and calls ``_complete_authorization``: the provider's
    ``complete_authorization`` says how it went (Berlin Group: the consent's
    status; PolishAPI: the code traded for tokens), then the accounts are
    listed. Nothing here knows a provider.
    """

    _inherit = "bank.api.connection"

    def _open_bank_consent_page(self, consent, state):
        """The action that takes the customer to the bank's consent page; the
        new consent waits on its authorization until the customer is back
        (a renewal keeps the current consent meanwhile)."""
        self.ensure_one()
        authorization_sudo = self.env["bank.api.consent.authorization"]._find(state)
        authorization_sudo.consent_id = consent.consent_id
        return {
            "type": "ir.actions.act_url",
            "url": consent.sca_redirect,
            "target": "self",
        }

    def _complete_authorization(self, authorization_sudo, params):
        """The customer is back from the bank's page with ``params`` (what the
        bank added to the return address). Returns True when the connection
        is connected; else False, with the reason in ``state_message`` and the
        chatter (the connection is otherwise left as it was)."""
        self.ensure_one()
        self._check_manager()
        client = self._build_client(user_present=True, psu=self._request_psu_context())
        if authorization_sudo.consent_id:
            client.settings.consent_id = authorization_sudo.consent_id
        try:
            consent = client.complete_authorization(params)
            accounts = client.list_accounts() if consent.status == "valid" else []
        except core_errors.ConsentRefused:
            self._save_client_state(client)
            return self._consent_refused_at_bank("rejected")
        except core_errors.BankApiError as error:
            self._save_client_state(client)
            return self._authorization_failed(self._describe_error(error))
        self._save_client_state(client)
        if consent.status != "valid":
            return self._consent_refused_at_bank(consent.status)
        renewal = bool(self.consent_id)  # a current consent is being replaced
        self._store_consent(consent)
        self._sync_accounts(accounts)
        self.write({"state": "connected", "state_message": False})
        self._record_consent_event("consent_renewed" if renewal else "consent_granted")
        self.activity_unlink(["bank_api_sync.mail_activity_type_consent_renewal"])
        post_text(
            self,
            _lt(
                "Connected: consent valid until %(date)s, %(count)s account(s).",
                date=self.consent_valid_until,
                count=len(self.account_ids),
            ),
        )
        if self._first_sync_pending() and self._sync_cron():
            # Accounts already mapped to journals (a connection set up
            # again): their first sync fetches the whole history, in the
            # background, never in the request that shows the form.
            self._start_background_sync()
        return True

    def _consent_refused_at_bank(self, status):
        """The customer refused or cancelled at the bank's page (PolishAPI's
        ``access_denied``, a Berlin Group consent left rejected): said as
        such on the connection and recorded as a security event (a person's
        choice, not an attack: it does not count towards blocking)."""
        message = self.env._(
            "The customer refused or cancelled the consent at the bank's page "
            "(the bank's status: %(status)s); nothing was authorised and the "
            "connection is as it was. Click Connect to try again.",
            status=status,
        )
        self.env["bank.api.security.event"]._record_security_event(
            "consent_refused",
            self,
            self.env._(
                "%(connection)s: the customer refused or cancelled the consent "
                "at the bank.",
                connection=self.name,
            ),
        )
        return self._authorization_failed(message)

    def _authorization_failed(self, message):
        self.write({"state_message": message})
        self.message_post(body=message)
        return False
