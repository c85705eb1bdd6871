# The eIDAS certificates of a connection live in a file of their own, away
# from the connection's features.
# pylint: disable=consider-merging-classes-inherited
import base64
import binascii
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..core import certificates

# Announce a certificate's end this many days ahead.
CERTIFICATE_NOTICE_DAYS = 30
# (field prefix, label) of the certificates a connection may carry.
CERTIFICATE_KINDS = (("qwac", "QWAC"), ("qseal", "QSealC"))


class BankApiConnection(models.Model):
    """A QWAC (client certificate of mutual TLS) and a QSealC (the key that
    signs requests), each uploaded with its key as PEM or PKCS#12 with its
    password. Stored encrypted like the client secret, never readable back;
    their subjects and end dates are shown; a daily job gives the
    responsible user an activity ``CERTIFICATE_NOTICE_DAYS`` ahead of the end.
    Only Settings administrators change them (``_endpoint_fields``)."""

    _inherit = "bank.api.connection"

    qwac_file = fields.Binary(
        string="QWAC Upload",
        compute="_compute_certificate_inputs",
        inverse="_inverse_certificates",
        groups="base.group_system",
        help="The qualified website authentication certificate with its "
        "private key (PEM or PKCS#12), presented to the bank in mutual TLS. "
        "Stored encrypted; it is never shown again once saved.",
    )
    qwac_password = fields.Char(
        string="QWAC Password",
        compute="_compute_certificate_inputs",
        inverse="_inverse_certificates",
        groups="base.group_system",
        help="The password of the uploaded QWAC file or key; not stored.",
    )
    qwac_encrypted = fields.Char(groups="base.group_system", copy=False)
    qwac_subject = fields.Char(string="QWAC", readonly=True, copy=False)
    qwac_expires_at = fields.Datetime(
        string="QWAC Expires", readonly=True, copy=False, tracking=True
    )
    qseal_file = fields.Binary(
        string="QSealC Upload",
        compute="_compute_certificate_inputs",
        inverse="_inverse_certificates",
        groups="base.group_system",
        help="The qualified electronic seal certificate with its private key "
        "(PEM or PKCS#12): the key that signs the requests. Stored "
        "encrypted; it is never shown again once saved.",
    )
    qseal_password = fields.Char(
        string="QSealC Password",
        compute="_compute_certificate_inputs",
        inverse="_inverse_certificates",
        groups="base.group_system",
        help="The password of the uploaded QSealC file or key; not stored.",
    )
    qseal_encrypted = fields.Char(groups="base.group_system", copy=False)
    qseal_subject = fields.Char(string="QSealC", readonly=True, copy=False)
    qseal_expires_at = fields.Datetime(
        string="QSealC Expires", readonly=True, copy=False, tracking=True
    )

    bank_ca_certificates = fields.Text(
        string="Bank's CA Certificates",
        tracking=True,
        help="The certificates (PEM) of the authorities that issued the bank's "
        "server certificate, when they are not in the system's store (a bank's "
        "private authority, a sandbox's). This connection's calls then trust "
        "these only; empty: the system's store. Public, not secret; only "
        "Settings administrators change them.",
    )

    @api.constrains("bank_ca_certificates")
    def _check_bank_ca_certificates(self):
        for connection in self.filtered("bank_ca_certificates"):
            try:
                certificates.load_ca_certificates(connection.bank_ca_certificates)
            except certificates.CertificateInvalid as error:
                raise ValidationError(
                    self.env._(
                        "The Bank's CA Certificates of %(name)s cannot be used; "
                        "paste the certificates of the authorities only, in PEM "
                        "format, as the bank publishes them. (%(reason)s)",
                        name=connection.display_name,
                        reason=str(error),
                    )
                ) from None

    def _compute_certificate_inputs(self):
        for prefix, _label in CERTIFICATE_KINDS:
            self[f"{prefix}_file"] = False
            self[f"{prefix}_password"] = False

    def _inverse_certificates(self):
        box = self._secret_box()
        for connection in self:
            for prefix, label in CERTIFICATE_KINDS:
                upload = connection[f"{prefix}_file"]
                if upload:
                    connection._store_certificate(prefix, label, upload, box)
        # Write-only: the upload and its password must not linger in the cache.
        self.invalidate_recordset(
            [
                f"{prefix}_{name}"
                for prefix, _l in CERTIFICATE_KINDS
                for name in ("file", "password")
            ]
        )

    def _store_certificate(self, prefix, label, upload, box):
        try:
            data = base64.b64decode(upload, validate=False)
        except (binascii.Error, ValueError):
            data = b""
        try:
            credential = certificates.load_credential(
                data, self[f"{prefix}_password"] or None, what=label
            )
        except certificates.CertificateInvalid as error:
            raise UserError(str(error)) from None
        self.sudo()[f"{prefix}_encrypted"] = box.encrypt(credential.to_pem())
        self[f"{prefix}_subject"] = credential.subject
        self[f"{prefix}_expires_at"] = credential.not_after.replace(tzinfo=None)

    @api.model
    def _endpoint_fields(self):
        # Whom the bank's server is trusted from: Settings administrators decide.
        return super()._endpoint_fields() | {
            "qwac_file",
            "qseal_file",
            "bank_ca_certificates",
        }

    def _credential(self, prefix):
        """The connection's decrypted certificate ``prefix`` (None without)."""
        pem = self._decrypt(self.sudo()[f"{prefix}_encrypted"])
        return certificates.Credential.from_pem(pem) if pem else None

    def _client_settings(self, user_present=False, psu=None):
        settings = super()._client_settings(user_present=user_present, psu=psu)
        settings.client_certificate = self._credential("qwac")
        settings.seal = self._credential("qseal")
        settings.ca_certificates = self.bank_ca_certificates or None
        return settings

    @api.model
    def _cron_check_certificates(self):
        """Daily: an activity for each certificate that ends within
        ``CERTIFICATE_NOTICE_DAYS`` (once per certificate)."""
        horizon = fields.Datetime.now() + timedelta(days=CERTIFICATE_NOTICE_DAYS)
        for prefix, label in CERTIFICATE_KINDS:
            for connection in self.search([(f"{prefix}_expires_at", "<=", horizon)]):
                connection._announce_certificate_end(prefix, label)

    def _announce_certificate_end(self, prefix, label):
        activity_type = self.env.ref(
            "bank_api_sync.mail_activity_type_certificate_renewal"
        )
        summary = self.env._(
            "Renew the %(certificate)s of %(name)s", certificate=label, name=self.name
        )
        if self.activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
            and activity.summary == summary
        ):
            return
        ends = self[f"{prefix}_expires_at"]
        self.activity_schedule(
            "bank_api_sync.mail_activity_type_certificate_renewal",
            date_deadline=min(ends.date(), fields.Date.context_today(self))
            if ends <= fields.Datetime.now()
            else ends.date() - timedelta(days=1),
            summary=summary,
            note=self.env._(
                "The %(certificate)s %(subject)s ends on %(date)s; after that the "
                "bank refuses the connection. Ask your trust service for its "
                "successor and upload it on the connection's Certificates page.",
                certificate=label,
                subject=self[f"{prefix}_subject"],
                date=ends.date(),
            ),
            user_id=(self.user_id or self.env.user).id,
        )
