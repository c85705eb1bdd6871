from odoo import api, fields, models

from ..core.whitelist import WhiteListAnswer


class BankApiWhitelistCheck(models.Model):
    """One answer of the VAT white list: the proof that an account was checked
    for a NIP on a day, and the cache that asks the register once per pair
    and day."""

    _name = "bank.api.whitelist.check"
    _description = "VAT White List Check"
    _order = "check_date desc, id desc"
    _rec_name = "request_id"

    company_id = fields.Many2one("res.company", required=True, index=True)
    nip = fields.Char(string="NIP", required=True)
    account = fields.Char(required=True, help="The account's 26 digits (NRB).")
    check_date = fields.Date(required=True)
    assigned = fields.Boolean(
        string="On the List",
        help="The register answered TAK (the account is the " "taxpayer's).",
    )
    request_id = fields.Char(string="Request ID", required=True, readonly=True)
    request_datetime = fields.Char(string="Answered At", readonly=True)
    user_id = fields.Many2one("res.users", string="Checked By", readonly=True)

    _sql_constraints = [
        (
            "pair_day_uniq",
            "unique(company_id, nip, account, check_date)",
            "The white list is asked once per NIP, account and day.",
        ),
    ]

    def _answer(self):
        self.ensure_one()
        return WhiteListAnswer(
            nip=self.nip,
            account=self.account,
            on_date=self.check_date,
            assigned=self.assigned,
            request_id=self.request_id,
            request_datetime=self.request_datetime or "",
        )

    @api.model
    def _store(self, company, answers):
        return self.sudo().create(
            [
                {
                    "company_id": company.id,
                    "nip": answer.nip,
                    "account": answer.account,
                    "check_date": answer.on_date,
                    "assigned": answer.assigned,
                    "request_id": answer.request_id,
                    "request_datetime": answer.request_datetime,
                    "user_id": self.env.user.id,
                }
                for answer in answers
            ]
        )
