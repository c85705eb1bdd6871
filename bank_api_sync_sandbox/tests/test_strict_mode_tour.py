import json

from odoo.tests import tagged

from .test_strict_mode import StrictSandboxCase


@tagged("post_install", "-at_install")
class TestStrictModeTour(StrictSandboxCase):
    """The same clicks in a browser: the tour creates the connection, uploads
    the certificates, clicks Connect; Chromium goes to the sandbox's HTTPS
    consent page (its authority accepted, as the person accepts the
    browser's warning or imports ca.pem), where the person approves; the
    bank sends the browser back to Odoo, and the tour sees the connection
    connected with its accounts."""

    def authenticate(self, user, password, browser=None):
        super().authenticate(user, password, browser=browser)
        if browser is None:
            return
        # The person's browser: the sandbox's authority accepted.
        browser._websocket_request(
            "Security.setIgnoreCertificateErrors", params={"ignore": True}
        )
        odoo_origin = self.base_url()
        script = f"""
            if (window.location.origin === {json.dumps(odoo_origin)}) {{
                // The files and values the person has at hand.
                window.bankApiSyncStrictSandbox = {json.dumps(self.sandbox_files())};
            }} else if (window.location.origin === {json.dumps(self.bank.url)}
                    && window.location.pathname.startsWith("/sandbox/sca/")) {{
                // The person at the bank's page approves.
                document.addEventListener("DOMContentLoaded", () => {{
                    document.querySelector("button[value=approve]").click();
                }});
            }}
        """
        browser._websocket_request(
            "Page.addScriptToEvaluateOnNewDocument", params={"source": script}
        )

    def test_a_new_user_connects_the_strict_sandbox_with_a_real_banks_clicks(self):
        self.start_tour(
            "/odoo/bank-connections",
            "bank_api_sync_sandbox_strict_connect",
            login="bas_bank_admin",
        )
        connection = self.env["bank.api.connection"].search(
            [("name", "=", "Sandbox Bank strict mode")]
        )
        self.assertEqual(connection.state, "connected")
        self.assertEqual(connection.consent_status, "valid")
        # The bank the tour typed in (HTTPS, strict), not the sandbox Odoo
        # runs itself when the API URL is empty.
        self.assertEqual(connection.base_url, self.bank.url)
        self.assertEqual(connection.qwac_subject, self.tls.qwac.subject)
        self.assertEqual(
            sorted(connection.account_ids.mapped("resource_id")),
            sorted(self.bank.accounts),
        )
        # The bank approves a consent on its page only (no auto-approval):
        # the browser opened it and the person approved there; every API
        # call was signed and accepted (the QWAC presented: the bank answers
        # 401 CERTIFICATE_MISSING to a call without it).
        self.assertEqual(self.bank.consents.get(connection.consent_id).status, "valid")
        api_calls = [r for r in self.bank.request_log if r.path.startswith("/v1/")]
        self.assertTrue(api_calls)
        self.assertTrue(
            all(c.header("Signature") and c.status < 400 for c in api_calls)
        )
