# Security events and blocking of a connection, in a file of their own, away
# from the connection's features.
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..core.matching.texts import _lt
from .core_texts import post_text

# Who lifts a block.
UNBLOCK_GROUP = "base.group_system"


class BankApiConnection(models.Model):
    """Records what matters to security on a connection (security events)
    and blocks it past the threshold of refused attempts: a blocked
    connection neither syncs nor connects until a Settings administrator
    unblocks it, which is recorded too."""

    _inherit = "bank.api.connection"

    security_blocked = fields.Boolean(
        string="Blocked", readonly=True, copy=False, tracking=True
    )
    security_blocked_reason = fields.Char(
        string="Blocked Because", readonly=True, copy=False
    )
    security_event_ids = fields.One2many(
        "bank.api.security.event",
        "connection_id",
        string="Security Events",
        groups="account.group_account_manager",
    )

    def write(self, vals):
        credential_changed = self.browse()
        if vals.get("client_secret"):
            credential_changed = self
        endpoint_changes = {
            connection: sorted(
                connection._fields[name]._description_string(self.env)
                for name in self._endpoint_fields() & set(vals)
                if (connection[name] or False) != (vals[name] or False)
            )
            for connection in self
        }
        result = super().write(vals)
        events = self.env["bank.api.security.event"]
        for connection in credential_changed:
            events._record_security_event(
                "credential_changed",
                connection,
                self.env._("The client secret was replaced."),
            )
        for connection, labels in endpoint_changes.items():
            if labels:
                events._record_security_event(
                    "endpoint_changed",
                    connection,
                    self.env._("Changed: %(fields)s.", fields=", ".join(labels)),
                )
        return result

    def _check_endpoint_change(self, changed):
        try:
            return super()._check_endpoint_change(changed)
        except AccessError:
            for connection in self.sudo().exists():
                self.env["bank.api.security.event"]._record_security_event(
                    "credential_change_refused",
                    connection,
                    self.env._(
                        "Refused changing: %(fields)s.",
                        fields=", ".join(sorted(changed)),
                    ),
                )
            raise

    def _check_user_access(self, level="read"):
        """Refused attempts are recorded (and count towards blocking); a
        blocked connection refuses every action but unblocking."""
        try:
            result = super()._check_user_access(level)
        except (AccessError, UserError):
            self._record_refused_access()
            raise
        blocked = self.sudo().filtered("security_blocked")
        if blocked:
            raise UserError(
                self.env._(
                    "Bank connection %(name)s is blocked (%(reason)s): a Settings "
                    "administrator must unblock it first.",
                    name=blocked[0].name,
                    reason=blocked[0].security_blocked_reason or "",
                )
            )
        return result

    def _record_refused_access(self):
        user_companies = self.env.user.company_ids
        for connection_sudo in self.sudo().exists():
            foreign = connection_sudo.company_id not in user_companies
            self.env["bank.api.security.event"]._record_security_event(
                "cross_company" if foreign else "access_denied",
                connection_sudo,
                self.env._("A user of another company tried an action on it.")
                if foreign
                else self.env._("A user without the access it needs tried an action."),
            )

    def _security_block(self, reason):
        """Block the connection (runs with sudo) and alert its responsible
        user and the company's Settings administrators: an activity each and
        a message in the chatter addressed to them."""
        self.ensure_one()
        self.write({"security_blocked": True, "security_blocked_reason": reason})
        self.env["bank.api.security.event"]._record_security_event(
            "connection_blocked", self, reason
        )
        alerted = self._security_alerted_users()
        summary = self.env._("Bank connection %(name)s blocked", name=self.name)
        note = self.env._(
            "%(reason)s Review its security events; a Settings administrator "
            "unblocks it.",
            reason=reason,
        )
        for user in alerted:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=note,
                user_id=user.id,
            )
        post_text(
            self,
            _lt(
                "Blocked: %(reason)s No action and no scheduled run until a "
                "Settings administrator unblocks it.",
                reason=reason,
            ),
            partner_ids=alerted.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _security_alerted_users(self):
        """Who is told of a block: the responsible user and the active
        Settings administrators of the connection's company."""
        self.ensure_one()
        admins = (
            self.env.ref(UNBLOCK_GROUP)
            .sudo()
            .users.filtered(
                lambda user: user.active
                and not user.share
                and self.company_id in user.company_ids
            )
        )
        users = self.user_id | admins
        return users or self.env.ref("base.user_admin")

    def action_security_unblock(self):
        self.ensure_one()
        self.check_access("write")
        if not self.env.user.has_group(UNBLOCK_GROUP):
            raise AccessError(
                self.env._("Only Settings administrators may unblock a connection.")
            )
        self.write({"security_blocked": False, "security_blocked_reason": False})
        self.env["bank.api.security.event"]._record_security_event(
            "connection_unblocked", self, self.env._("Unblocked by an administrator.")
        )
        return True

    def _demo_security_block(self, intruder_id=None):
        """Demo data: refused attempts of the kinds the events record (a
        forged consent redirect, cross-company attempts, a foreign host, an
        access denied) on each connection, enough to block it. Written in the
        installing transaction (a cursor of its own would not see the demo
        connection yet)."""
        events = self.env["bank.api.security.event"].sudo()
        attempts = [
            (
                "redirect_refused",
                self.env._("A forged consent return (unknown state)."),
            ),
            ("cross_company", self.env._("A user of another company tried Sync Now.")),
            ("foreign_host", self.env._("A next link pointed to evil.example.")),
            (
                "access_denied",
                self.env._("A user without the access it needs tried Connect."),
            ),
            ("cross_company", self.env._("A user of another company tried Connect.")),
        ]
        for connection in self.sudo():
            for event_type, description in attempts:
                events.create(
                    {
                        "event_type": event_type,
                        "refused": True,
                        "company_id": connection.company_id.id,
                        "connection_id": connection.id,
                        "user_id": intruder_id or self.env.uid,
                        "source_address": "203.0.113.7",
                        "description": description,
                    }
                )
            events._block_past_threshold(connection)
