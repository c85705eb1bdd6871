from odoo import fields, models


class BankApiLateAnnouncement(models.Model):
    """An invoice whose lateness was announced by the daily activity: it is
    never announced again."""

    _name = "bank.api.late.announcement"
    _description = "Late Invoice Announcement"
    _order = "announced_on desc, id desc"
    _rec_name = "move_id"

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    announced_on = fields.Date(required=True)
    user_id = fields.Many2one("res.users", string="Told", ondelete="set null")
    activity_id = fields.Many2one("mail.activity", ondelete="set null")

    _sql_constraints = [
        (
            "move_uniq",
            "unique(move_id)",
            "This invoice was already announced as late.",
        ),
    ]
