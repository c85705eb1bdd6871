import base64
from datetime import datetime, timezone

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..core import certificates, pki
from .common import BankApiSyncCase


@tagged("post_install", "-at_install")
class TestCertificates(BankApiSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.authority = pki.issue("Test Trust Service CA", is_ca=True)
        start = datetime(2026, 1, 1, tzinfo=timezone.utc)
        cls.qwac = pki.issue("Main Bank TPP", cls.authority, days=180, not_before=start)
        cls.upload = base64.b64encode(cls.qwac.to_pem().encode())
        cls.connection.base_url = "https://api.bank.example/psd2"

    def test_an_uploaded_certificate_is_stored_encrypted_and_never_read_back(self):
        self.connection.write({"qwac_file": self.upload})
        connection_sudo = self.connection.sudo()
        self.assertNotIn("PRIVATE KEY", connection_sudo.qwac_encrypted)
        self.assertFalse(connection_sudo.qwac_file)
        self.assertIn("Main Bank TPP", self.connection.qwac_subject)
        self.assertEqual(self.connection.qwac_expires_at, datetime(2026, 6, 30))
        settings = self.connection._client_settings()
        self.assertEqual(settings.client_certificate.certificate, self.qwac.certificate)
        self.assertIsNone(settings.seal)
        with self.assertRaises(AccessError):
            self.connection.with_user(self.account_manager).read(["qwac_encrypted"])

    def test_a_wrong_password_is_refused_with_its_reason(self):
        pem = self.qwac.certificate_pem() + self.qwac.private_key.private_bytes(
            certificates.serialization.Encoding.PEM,
            certificates.serialization.PrivateFormat.PKCS8,
            certificates.serialization.BestAvailableEncryption(b"right"),
        )
        with self.assertRaisesRegex(UserError, "QSealC: .*check its password"):
            self.connection.write(
                {"qseal_file": base64.b64encode(pem), "qseal_password": "wrong"}
            )
        self.connection.write(
            {"qseal_file": base64.b64encode(pem), "qseal_password": "right"}
        )
        self.assertTrue(self.connection.qseal_expires_at)

    @mute_logger("odoo.addons.bank_api_sync.models.bank_api_connection_endpoint")
    def test_only_settings_administrators_change_certificates(self):
        with self.assertRaisesRegex(AccessError, "Settings administrators"):
            self.connection.with_user(self.account_manager).write(
                {"qwac_file": self.upload}
            )

    def test_a_certificate_ending_within_30_days_gives_one_activity(self):
        self.connection.write({"qwac_file": self.upload, "user_id": self.env.uid})
        activity_type = self.env.ref(
            "bank_api_sync.mail_activity_type_certificate_renewal"
        )

        def notices():
            return self.connection.activity_ids.filtered(
                lambda activity: activity.activity_type_id == activity_type
            )

        with freeze_time("2026-05-15"):
            self.connection._cron_check_certificates()
        self.assertFalse(notices())
        with freeze_time("2026-06-05"):
            self.connection._cron_check_certificates()
            self.connection._cron_check_certificates()
        self.assertEqual(len(notices()), 1)
        self.assertIn("QWAC", notices().summary)
        self.assertEqual(notices().date_deadline, datetime(2026, 6, 29).date())
