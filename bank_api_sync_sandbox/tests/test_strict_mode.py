import base64
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.bank_api_sync.core import certificates, pki
from odoo.addons.bank_api_sync.tests.common import BankApiSyncCase

from ..core.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SandboxBank
from ..core.sandbox.tls import TlsSetup

HTTP_LOGGER = "odoo.addons.bank_api_sync.core.http"
SEAL_PASSWORD = "seal-password"


def pem_upload(credential):
    return base64.b64encode(credential.to_pem().encode())


def p12_upload(credential, password):
    return base64.b64encode(
        pkcs12.serialize_key_and_certificates(
            b"qsealc",
            credential.private_key,
            credential.certificate,
            None,
            BestAvailableEncryption(password.encode()),
        )
    )


class StrictSandboxCase(HttpCase, BankApiSyncCase):
    """The Sandbox Bank in strict mode, as ``--mtls DIR --require-signatures
    --approve-at-page`` runs it: HTTPS with a certificate authority of its
    own, a QWAC of that authority required (mutual TLS), every /v1 request
    signed with a QSealC of it, consents approved on its page. A Settings
    and accounting administrator sets the connection up in the form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tls = TlsSetup.generate()
        cls.bank_admin = new_test_user(
            cls.env,
            login="bas_bank_admin",
            password="bas_bank_admin",
            name="Bank Administrator",
            groups="base.group_user,base.group_system,"
            "account.group_account_manager,account.group_account_user",
        )

    def setUp(self):
        super().setUp()
        self.bank = SandboxBank(
            seed=3,
            per_day=1,
            auto_approve_consents=False,
            tls=self.tls,
            signatures_required=True,
            trusted_ca=self.tls.authority.certificate,
        ).start()
        self.addCleanup(self.bank.stop)
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", self.base_url()
        )

    def ca_pem(self):
        return self.tls.authority.certificate_pem().decode()

    def sandbox_files(self):
        """What the person has on disk after starting the sandbox."""
        return {
            "url": self.bank.url,
            "clientId": DEFAULT_CLIENT_ID,
            "clientSecret": DEFAULT_CLIENT_SECRET,
            "qwac.pem": self.tls.qwac.to_pem(),
            "qseal.pem": self.tls.qseal.to_pem(),
            "ca.pem": self.ca_pem(),
        }


@tagged("post_install", "-at_install")
class TestStrictModeConnection(StrictSandboxCase):
    """Set up in the form (the QWAC as PEM, the QSealC as PKCS#12 with its
    password, the bank's CA pasted), connected through the bank's page,
    synced over mutual TLS with signed requests; and what the user reads
    when one of them is missing or wrong."""

    def configure(self, qwac=True, seal=None, ca=True):
        form = Form(self.env["bank.api.connection"].with_user(self.bank_admin))
        form.name = "Sandbox Bank strict mode"
        form.provider = "sandbox"
        form.base_url = self.bank.url
        form.client_id = DEFAULT_CLIENT_ID
        form.client_secret = DEFAULT_CLIENT_SECRET
        if qwac:
            form.qwac_file = pem_upload(self.tls.qwac)
        form.qseal_file = p12_upload(seal or self.tls.qseal, SEAL_PASSWORD)
        form.qseal_password = SEAL_PASSWORD
        if ca:
            form.bank_ca_certificates = "Sandbox Bank's authority\n" + self.ca_pem()
        return form.save()

    def approve_at_the_bank(self, page_url):
        """The person at the bank's page (HTTPS, the sandbox's authority)
        approves; returns where the bank sends the browser."""
        ca_file = certificates.ca_bundle_file(self.ca_pem())
        page = self.opener.get(page_url, timeout=10, verify=ca_file)
        self.assertIn("Approve", page.text)
        form = {**dict(parse_qsl(urlsplit(page_url).query)), "decision": "approve"}
        answer = self.opener.post(
            page_url, data=form, allow_redirects=False, timeout=10, verify=ca_file
        )
        self.assertEqual(answer.status_code, 302)
        return answer.headers["Location"]

    def test_connected_through_the_banks_page_then_synced(self):
        connection = self.configure()
        self.assertEqual(connection.qwac_subject, self.tls.qwac.subject)
        self.assertEqual(connection.qseal_subject, self.tls.qseal.subject)
        self.assertIn("BEGIN CERTIFICATE", connection.bank_ca_certificates)

        action = connection.action_connect()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(action["url"].startswith(f"{self.bank.url}/sandbox/"))
        location = self.approve_at_the_bank(action["url"])
        self.authenticate("bas_bank_admin", "bas_bank_admin")
        back = self.url_open(location, allow_redirects=False)
        self.assertEqual(back.status_code, 303)
        connection.invalidate_recordset()
        self.assertEqual(connection.state, "connected", connection.state_message)
        self.assertEqual(
            sorted(connection.account_ids.mapped("resource_id")),
            sorted(self.bank.accounts),
        )

        # The journals are not this test's subject (and OCA's payment orders,
        # installed with the payments add-on, narrow who creates the bank
        # accounts they need): created as in the other sandbox tests.
        connection.with_env(self.env).account_ids.action_create_journal()
        # Its first sync runs in the background, by the scheduled action.
        started = connection.action_sync_now()
        self.assertIn("first sync", started["params"]["message"])
        self.env.flush_all()
        self.env["bank.api.sync.runner"]._cron_sync_due_connections()
        self.env.invalidate_all()
        lines = self.env["account.bank.statement.line"].search(
            [("journal_id", "in", connection.account_ids.journal_id.ids)]
        )
        self.assertTrue(lines)
        booked = {
            f"id:{tx['transactionId']}": float(tx["transactionAmount"]["amount"])
            for account in connection.account_ids
            for tx in self.bank.ledger(account.resource_id, "booked")
        }
        for line in lines:
            self.assertEqual(booked[line.bank_api_unique_key], line.amount)
        # Every API call was signed with our QSealC and none was refused (the
        # bank answers 401 CERTIFICATE_MISSING to one without our QWAC).
        api_calls = [r for r in self.bank.request_log if r.path.startswith("/v1/")]
        self.assertTrue(api_calls)
        serial = self.tls.qseal.serial_hex.lower()
        for call in api_calls:
            self.assertLess(call.status, 400, call.path)
            self.assertIn(serial, (call.header("Signature") or "").lower())

    @mute_logger(HTTP_LOGGER)
    def test_without_a_qwac_the_bank_refuses_and_the_user_reads_why(self):
        connection = self.configure(qwac=False)
        with self.assertRaises(UserError) as refused:
            connection.action_connect()
        message = str(refused.exception)
        self.assertIn("CERTIFICATE_MISSING", message)
        self.assertIn("Certificates page", message)
        self.assertEqual(self.bank.request_log[-1].status, 401)
        self.assertEqual(connection.state, "draft")

    @mute_logger(HTTP_LOGGER)
    def test_a_seal_another_authority_issued_is_refused_with_the_specs_code(self):
        stranger = pki.issue("Stranger CA", is_ca=True)
        seal = pki.issue("Sandbox TPP QSealC", stranger)
        connection = self.configure(seal=seal)
        with self.assertRaises(UserError) as refused:
            connection.action_connect()
        message = str(refused.exception)
        self.assertIn("CERTIFICATE_INVALID", message)
        self.assertIn("Certificates page", message)
        (signed,) = [r for r in self.bank.request_log if r.path.startswith("/v1/")]
        self.assertEqual(signed.status, 401)
        self.assertIn(seal.serial_hex.lower(), signed.header("Signature").lower())

    @mute_logger(HTTP_LOGGER)
    def test_without_the_banks_ca_its_server_is_not_trusted(self):
        connection = self.configure(ca=False)
        with self.assertRaises(UserError) as refused:
            connection.action_connect()
        message = str(refused.exception)
        self.assertIn("CERTIFICATE_VERIFY_FAILED", message)
        self.assertIn("Bank's CA Certificates", message)
        self.assertFalse(self.bank.request_log)

    def test_text_that_is_no_ca_certificate_is_refused_at_saving(self):
        connection = self.configure()
        for text, reason in (
            ("my bank's CA", "PEM format"),
            (self.tls.qwac.to_pem(), "private key"),
        ):
            with self.assertRaises(ValidationError) as refused:
                connection.with_user(self.bank_admin).bank_ca_certificates = text
            self.assertIn(
                "Bank's CA Certificates of Sandbox Bank strict mode",
                str(refused.exception),
            )
            self.assertIn(reason, str(refused.exception))
        connection.invalidate_recordset()
        self.assertIn("Sandbox Bank's authority", connection.bank_ca_certificates)

    @mute_logger("odoo.addons.bank_api_sync.models.bank_api_connection_endpoint")
    def test_only_settings_administrators_change_the_banks_ca(self):
        connection = self.configure()
        with self.assertRaises(AccessError):
            connection.with_user(self.account_manager).bank_ca_certificates = (
                pki.issue("Someone's CA", is_ca=True).certificate_pem().decode()
            )
        # Public: an accounting administrator reads it.
        self.assertTrue(connection.with_user(self.account_manager).bank_ca_certificates)
