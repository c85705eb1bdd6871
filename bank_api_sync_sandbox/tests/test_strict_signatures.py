import base64
from datetime import datetime, timezone

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.bank_api_sync.core import pki

from .common import SandboxSyncCase

VALID_FROM = datetime(2026, 1, 1, tzinfo=timezone.utc)


def upload(credential):
    return base64.b64encode(credential.to_pem().encode())


@tagged("post_install", "-at_install")
class TestStrictSignatures(SandboxSyncCase):
    """A Sandbox Bank that requires Berlin Group signatures by a certificate
    of its trust service: the connection's QSealC opens it, another is
    refused with the standard's code, and the user reads it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        authority = pki.issue(
            "Sandbox Trust Service CA", is_ca=True, days=730, not_before=VALID_FROM
        )
        cls.sandbox_options = {
            **cls.sandbox_options,
            "signatures_required": True,
            "trusted_ca": authority.certificate,
        }
        seal = pki.issue(
            "Main Bank TPP Seal", authority, days=730, not_before=VALID_FROM
        )
        cls.connection.write({"qseal_file": upload(seal), "base_url": "https://x.test"})

    def test_a_connection_with_its_seal_syncs(self):
        log = self.sync()
        self.assertEqual(log.status, "success", log.message)
        self.assertTrue(any(self.imported(account) for account in self.accounts))
        signed = [c for c in self.bank.request_log if c.path.startswith("/v1/")]
        self.assertTrue(signed)
        self.assertTrue(all(c.header("Signature") and c.status < 400 for c in signed))

    @mute_logger("odoo.addons.bank_api_sync.models.bank_api_sync_runner")
    def test_a_seal_the_bank_does_not_trust_is_refused_and_shown(self):
        stranger = pki.issue("Stranger CA", is_ca=True, days=730, not_before=VALID_FROM)
        self.connection.write(
            {
                "qseal_file": upload(
                    pki.issue(
                        "Main Bank TPP Seal", stranger, days=730, not_before=VALID_FROM
                    )
                )
            }
        )
        self.mark_synced_before()
        action = self.connection.with_user(self.account_manager).action_sync_now()
        self.assertIn("CERTIFICATE_INVALID", str(action))
        self.assertIn("Certificates page", str(action))
