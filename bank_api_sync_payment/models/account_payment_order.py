import uuid
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.bank_api_sync.core.matching.texts import _lt
from odoo.addons.bank_api_sync.models.core_texts import in_user_language, post_text

from ..core.accounts import compact_account, nrb, polish_nip
from ..core.audit import content_hash
from ..core.checks import OrderFacts, check_order, payment_key
from ..core.elixir import ElixirError, ElixirTransfer, elixir_file
from ..core.initiation import (
    STATUS_STATES,
    PaymentBatch,
    Submission,
    Transfer,
    initiator_for,
)
from ..core.siblings import errors as core_errors
from ..core.whitelist import (
    PRODUCTION_URL,
    WhiteListCache,
    WhiteListClient,
    WhiteListError,
)

OPEN_STATES = ("draft", "open", "generated")
# The order fields whose change is a change of what gets paid.
CONTENT_FIELDS = frozenset(
    {
        "payment_mode_id",
        "journal_id",
        "date_prefered",
        "date_scheduled",
        "payment_line_ids",
    }
)
# Written by the approval steps only, as superuser: a user writing them over
# RPC (where any context can be passed, but never sudo) would approve his own
# order.
APPROVAL_FIELDS = frozenset(
    {
        "bank_api_approval_state",
        "bank_api_last_changed_by_id",
        "bank_api_submitted_by_id",
        "bank_api_approved_by_id",
        "bank_api_approved_at",
        "bank_api_approved_hash",
        "bank_api_bank_payment_id",
        "bank_api_bank_path",
        "bank_api_bank_status",
        "bank_api_booked",
        "bank_api_payment_token_encrypted",
    }
)
# What a person reads of the bank's ISO 20022 status, and the audit event of
# reaching it.
BANK_STATE_EVENTS = {
    "accepted": "bank_accepted",
    "executed": "executed",
    "rejected": "bank_rejected",
}
PREPARER = "bank_api_sync_payment.group_payment_preparer"
APPROVER = "bank_api_sync_payment.group_payment_approver"


class AccountPaymentOrder(models.Model):
    _inherit = "account.payment.order"

    bank_api_approval_state = fields.Selection(
        selection=[
            ("draft", "Not Submitted"),
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
        ],
        string="Approval",
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    bank_api_last_changed_by_id = fields.Many2one(
        "res.users",
        string="Last Changed By",
        readonly=True,
        copy=False,
        help="Who last changed what the order pays: they may not approve it.",
    )
    bank_api_submitted_by_id = fields.Many2one(
        "res.users", string="Submitted By", readonly=True, copy=False
    )
    bank_api_approved_by_id = fields.Many2one(
        "res.users", string="Approved By", readonly=True, copy=False
    )
    bank_api_approved_at = fields.Datetime(
        string="Approved At", readonly=True, copy=False
    )
    bank_api_approved_hash = fields.Char(
        string="Approved Content Hash", readonly=True, copy=False
    )
    bank_api_content_hash = fields.Char(
        string="Content Hash",
        compute="_compute_bank_api_content_hash",
        help="SHA-256 of what the order pays now (payees, accounts, amounts, "
        "titles, dates). Sending requires it to equal the approved one.",
    )
    bank_api_audit_ids = fields.One2many(
        "bank.api.payment.audit", "order_id", string="Audit Trail", readonly=True
    )
    bank_api_trail_problem = fields.Char(
        string="Audit Trail Check", compute="_compute_bank_api_trail_problem"
    )
    bank_api_blocked_count = fields.Integer(
        string="Blocked Lines", compute="_compute_bank_api_blocked_count"
    )
    bank_api_send_by_api = fields.Boolean(
        related="payment_mode_id.bank_api_send_by_api"
    )
    bank_api_bank_payment_id = fields.Char(
        string="Bank Payment ID", readonly=True, copy=False
    )
    bank_api_bank_path = fields.Char(readonly=True, copy=False)
    bank_api_bank_status = fields.Char(
        string="Bank Status",
        readonly=True,
        copy=False,
        help="The bank's ISO 20022 status of the payment (RCVD received, ACSP "
        "accepted, ACSC executed, RJCT rejected...).",
    )
    # The access token of the payment's own authorisation by the customer (a
    # bank that wants each payment authorised): its status is asked with it.
    bank_api_payment_token_encrypted = fields.Char(
        string="Payment Authorisation Token (encrypted)",
        groups="base.group_system",
        copy=False,
    )
    bank_api_booked = fields.Boolean(
        string="Booked on the Statement",
        readonly=True,
        copy=False,
        help="Every payment of the order is on a bank statement line, "
        "reconciled with it: the bills are paid.",
    )
    bank_api_bank_state = fields.Selection(
        selection=[
            ("sent", "Sent"),
            ("accepted", "Accepted"),
            ("executed", "Executed"),
            ("rejected", "Rejected"),
        ],
        string="At the Bank",
        compute="_compute_bank_api_bank_state",
        store=True,
    )

    @api.depends(
        "payment_line_ids",
        "payment_line_ids.amount_currency",
        "payment_line_ids.partner_bank_id",
        "payment_line_ids.communication",
        "payment_line_ids.date",
        "journal_id",
    )
    def _compute_bank_api_content_hash(self):
        for order in self:
            order.bank_api_content_hash = content_hash(order._bank_api_content())

    @api.depends("bank_api_audit_ids")
    def _compute_bank_api_trail_problem(self):
        audit = self.env["bank.api.payment.audit"]
        for order in self:
            broken = audit._first_broken(order) if order.id else audit
            order.bank_api_trail_problem = (
                self.env._(
                    "Broken at the entry of %(when)s (%(event)s): the trail was "
                    "changed outside Odoo.",
                    when=broken.at,
                    event=broken.event,
                )
                if broken
                else self.env._("Intact")
            )

    @api.depends("bank_api_bank_status", "bank_api_booked")
    def _compute_bank_api_bank_state(self):
        for order in self:
            status = order.bank_api_bank_status
            order.bank_api_bank_state = (
                "executed" if order.bank_api_booked else STATUS_STATES.get(status or "")
            )

    @api.depends("payment_line_ids.bank_api_whitelist_blocked")
    def _compute_bank_api_blocked_count(self):
        for order in self:
            order.bank_api_blocked_count = len(
                order.payment_line_ids.filtered("bank_api_whitelist_blocked")
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._bank_api_check_approval_fields(vals)
        orders = super().create(vals_list)
        for order in orders:
            order._bank_api_audit("created")
        orders._bank_api_changed_by_user()
        return orders

    def write(self, vals):
        self._bank_api_check_approval_fields(vals)
        content = CONTENT_FIELDS & set(vals)
        if content:
            self._bank_api_check_editable()
        result = super().write(vals)
        if content:
            self._bank_api_changed_by_user()
        return result

    def unlink(self):
        if self.bank_api_audit_ids:
            raise UserError(
                self.env._(
                    "A payment order with an audit trail is never deleted: cancel "
                    "it instead."
                )
            )
        return super().unlink()

    # -------------------------------------------------------------------------
    # The steps of OCA's order, with the checks and the approval around them
    # -------------------------------------------------------------------------

    def draft2open(self):
        """Confirm = submit for approval, once every check passes. A line the
        VAT white list blocks keeps the order in draft (its answers are kept
        as proof) and says which lines and why."""
        self._bank_api_require_group(PREPARER)
        self._bank_api_check_editable()
        for order in self:
            order._bank_api_raise_problems()
        stop = self._bank_api_whitelist_stop()
        if stop:
            return stop
        result = super().draft2open()
        for order in self:
            order.sudo().write(
                {
                    "bank_api_approval_state": "to_approve",
                    "bank_api_submitted_by_id": self.env.user.id,
                }
            )
            order._bank_api_audit("submitted")
        return result

    def action_bank_api_approve(self):
        """Four eyes: not who created, changed or submitted the order, and
        within the approver's limit; the checks run again (a bill may have
        been paid meanwhile) and the approval binds to the content's hash."""
        self.ensure_one()
        self._bank_api_require_group(APPROVER)
        if self.state != "open" or self.bank_api_approval_state != "to_approve":
            raise UserError(
                self.env._(
                    "Payment order %(name)s is not waiting for approval.",
                    name=self.name,
                )
            )
        self._bank_api_check_four_eyes()
        self._bank_api_check_limit()
        self._bank_api_raise_problems()
        blocked = self.payment_line_ids.filtered("bank_api_whitelist_blocked")
        if blocked:
            raise UserError(self._bank_api_blocked_message(blocked))
        digest = content_hash(self._bank_api_content())
        self.sudo().write(
            {
                "bank_api_approval_state": "approved",
                "bank_api_approved_by_id": self.env.user.id,
                "bank_api_approved_at": fields.Datetime.now(),
                "bank_api_approved_hash": digest,
            }
        )
        self._bank_api_audit("approved")
        return True

    def action_bank_api_refuse(self):
        """Ask the approver why, then send the order back (the wizard calls
        ``_bank_api_refuse``)."""
        self.ensure_one()
        self._bank_api_check_refusable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse %(name)s", name=self.name),
            "res_model": "bank.api.payment.refuse",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _bank_api_refuse(self, reason):
        """The approver sends the order back, saying why: its payments are
        cancelled and it returns to draft for its preparer to fix."""
        self.ensure_one()
        self._bank_api_check_refusable()
        self._bank_api_audit("refused", reason)
        post_text(
            self,
            _lt(
                "Refused (%(count)s payment(s), %(total)s %(currency)s in total): "
                "%(reason)s",
                count=len(self.payment_line_ids),
                total=self._bank_api_total(),
                currency=self.company_currency_id.name,
                reason=reason,
            ),
            module="bank_api_sync_payment",
            partner_ids=(
                self.bank_api_submitted_by_id | self.create_uid
            ).partner_id.ids,
        )
        super().action_cancel()
        super().cancel2draft()
        self._bank_api_reset_approval()
        return True

    def _bank_api_total(self):
        """What the order pays in the company's currency, as a decimal."""
        digits = self.company_currency_id.decimal_places
        return Decimal(f"{self.total_company_currency:.{digits}f}")

    def _bank_api_check_refusable(self):
        self._bank_api_require_group(APPROVER)
        if self.state != "open" or self.bank_api_approval_state == "draft":
            raise UserError(
                self.env._(
                    "Payment order %(name)s is not waiting for approval.",
                    name=self.name,
                )
            )
        self._bank_api_check_four_eyes()

    def open2generated(self):
        self.ensure_one()
        stop = self._bank_api_check_sendable()
        if stop:
            return stop
        result = super().open2generated()
        self._bank_api_audit("file_generated")
        return result

    def generated2uploaded(self):
        """Only a generated file of an approved order is uploaded: marking the
        bills paid otherwise would skip the approval."""
        for order in self:
            order._bank_api_require_group(PREPARER)
            if order.state != "generated":
                raise UserError(
                    self.env._(
                        "Payment order %(name)s has no generated file to upload.",
                        name=order.name,
                    )
                )
            order._bank_api_check_approved_content()
        result = super().generated2uploaded()
        for order in self:
            order._bank_api_audit(
                "sent", self.env._("File uploaded to the bank by hand.")
            )
        return result

    def action_cancel(self):
        result = super().action_cancel()
        for order in self:
            order._bank_api_audit("cancelled")
        self._bank_api_reset_approval()
        return result

    def cancel2draft(self):
        result = super().cancel2draft()
        for order in self:
            order._bank_api_audit("reset")
        self._bank_api_reset_approval()
        return result

    def generate_payment_file(self):
        """Elixir-O for the Polish domestic payment method; OCA's formats
        (pain.001) otherwise."""
        self.ensure_one()
        if self.payment_method_id.code != "elixir_o":
            return super().generate_payment_file()
        company = self.company_id
        address = " ".join(filter(None, [company.street, company.zip, company.city]))
        transfers = []
        for payment in self.payment_ids:
            lines = payment.payment_line_ids
            transfers.append(
                ElixirTransfer(
                    execution_date=payment.payment_line_date
                    or fields.Date.context_today(self),
                    amount=lines[:1]._bank_api_decimal(payment.amount),
                    debtor_iban=compact_account(
                        self.company_partner_bank_id.acc_number
                    ),
                    debtor_name=company.name,
                    debtor_address=address,
                    creditor_iban=compact_account(payment.partner_bank_id.acc_number),
                    creditor_name=payment.partner_id.name,
                    creditor_address=" ".join(
                        filter(
                            None,
                            [
                                payment.partner_id.street,
                                payment.partner_id.zip,
                                payment.partner_id.city,
                            ],
                        )
                    ),
                    title=payment.payment_reference or "",
                    reference=lines[:1].name or "",
                    split_payment=any(lines.mapped("bank_api_split_payment")),
                )
            )
        try:
            content = elixir_file(transfers)
        except ElixirError as error:
            raise UserError(self._bank_api_text(error.reason)) from None
        return content, f"elixir_{self.name.replace('/', '_')}.pli"

    def action_bank_api_send(self):
        """Send the approved order through the bank connection of its journal
        (payment initiation). Its X-Request-ID is derived from the order and
        the content approved, so sending again after a timeout or an error
        is the same request: the bank pays once."""
        self.ensure_one()
        stop = self._bank_api_check_sendable()
        if stop:
            return stop
        connection = self._bank_api_connection()
        problem = connection._bank_api_payment_problem()
        if problem:
            raise UserError(problem)
        client = connection._build_client(
            user_present=True, psu=connection._request_psu_context()
        )
        payments = initiator_for(client)
        if payments is None:
            raise UserError(
                self.env._(
                    "The bank of connection %(name)s takes no payments through "
                    "its API: generate the payment file instead.",
                    name=connection.name,
                )
            )
        if payments.psu_authorisation:
            return self._bank_api_ask_authorisation(connection, client, payments)
        try:
            submission = payments.initiate(self._bank_api_batch())
        except core_errors.BankApiError as error:
            connection.sudo()._save_client_state(client)
            raise UserError(connection._describe_error(error)) from None
        connection.sudo()._save_client_state(client)
        self._bank_api_sent(connection, submission)
        return True

    def _bank_api_ask_authorisation(self, connection, client, payments):
        """A bank that wants the customer to authorise each payment: ask it
        for this order's, and send the person to its page; they come back
        through the consent return route (a single-use state bound to them
        and to the order), where ``_bank_api_complete_authorisation`` sends
        the payment."""
        authorizations = self.env["bank.api.consent.authorization"]
        state = authorizations._start(connection)
        authorizations._find(state).payment_order_id = self.id
        try:
            page = payments.start_authorisation(
                self._bank_api_batch(), connection._consent_return_url(), state
            )
        except core_errors.BankApiError as error:
            connection.sudo()._save_client_state(client)
            raise UserError(connection._describe_error(error)) from None
        connection.sudo()._save_client_state(client)
        return {"type": "ir.actions.act_url", "url": page, "target": "self"}

    def _bank_api_complete_authorisation(self, connection, params):
        """The person is back from the bank's page of this order's payment
        (``params``: what the bank added to the return address): the
        authorisation traded for the payment's token, then the payment sent
        with it. Refused at the bank, or the bank not answering: the order
        stays approved and not sent, and its chatter says why (Send to Bank
        again asks again; the payment's TPP id stays the same, so the bank
        pays once)."""
        self.ensure_one()
        self._bank_api_require_group(PREPARER)
        if self.state != "open" or self.bank_api_bank_payment_id:
            raise UserError(
                self.env._(
                    "Payment order %(name)s was sent or changed meanwhile: nothing "
                    "was sent again.",
                    name=self.name,
                )
            )
        self._bank_api_check_approved_content()
        self._bank_api_raise_problems()
        if self._bank_api_connection() != connection:
            raise UserError(
                self.env._(
                    "Payment order %(name)s is no longer paid through connection "
                    "%(connection)s: nothing was sent.",
                    name=self.name,
                    connection=connection.name,
                )
            )
        client = connection._build_client(
            user_present=True, psu=connection._request_psu_context()
        )
        payments = initiator_for(client)
        try:
            token = payments.complete_authorisation(
                params, connection._consent_return_url()
            )
            submission = payments.initiate(self._bank_api_batch(), token=token)
        except core_errors.ConsentRefused:
            connection.sudo()._save_client_state(client)
            post_text(
                self,
                _lt(
                    "The payment was refused or cancelled at the bank's page: "
                    "nothing was paid. The order is still approved; Send to Bank "
                    "asks the bank again."
                ),
                module="bank_api_sync_payment",
            )
            return False
        except core_errors.BankApiError as error:
            connection.sudo()._save_client_state(client)
            post_text(
                self,
                _lt(
                    "The bank did not take the payment: %(reason)s The order is "
                    "still approved; Send to Bank asks the bank again (the bank "
                    "pays it once).",
                    reason=connection._describe_error(error),
                ),
                module="bank_api_sync_payment",
            )
            return False
        connection.sudo()._save_client_state(client)
        self._bank_api_sent(connection, submission, token)
        return True

    def _bank_api_sent(self, connection, submission, token=None):
        """The bank has the order's payment(s): the order is uploaded, its
        payments in payment, the trail says so."""
        self.sudo().write(
            {
                "bank_api_bank_payment_id": submission.payment_id,
                "bank_api_bank_path": submission.path,
                "bank_api_bank_status": submission.status,
                "bank_api_payment_token_encrypted": token
                and connection._secret_box().encrypt(token),
                "state": "generated",
                "date_generated": fields.Date.context_today(self),
                "generated_user_id": self.env.user.id,
            }
        )
        result = super().generated2uploaded()
        self._bank_api_audit(
            "sent",
            self.env._(
                "Sent through %(connection)s: payment %(payment)s, status "
                "%(status)s.",
                connection=connection.name,
                payment=submission.payment_id,
                status=submission.status,
            ),
        )
        return result

    def action_bank_api_check_status(self):
        """Ask the bank how the payment stands; a rejected payment cancels the
        order's payments (the bills are open again)."""
        for order in self.filtered("bank_api_bank_payment_id"):
            connection = order._bank_api_connection()
            client = connection._build_client(
                user_present=True, psu=connection._request_psu_context()
            )
            submission = Submission(
                order.bank_api_bank_payment_id,
                order.bank_api_bank_status,
                order.bank_api_bank_path,
            )
            # The payment's own token, when the customer authorised it.
            token = connection._decrypt(order.sudo().bank_api_payment_token_encrypted)
            payments = initiator_for(client)
            try:
                if token:
                    status = payments.status(submission, token=token)
                else:
                    status = payments.status(submission)
            except core_errors.AuthenticationError as error:
                connection.sudo()._save_client_state(client)
                if not token:
                    raise UserError(connection._describe_error(error)) from None
                raise UserError(
                    self.env._(
                        "The bank no longer accepts the authorisation of payment "
                        "%(payment)s (it lasts a short time): read its status in "
                        "the bank's own channel.",
                        payment=order.bank_api_bank_payment_id,
                    )
                ) from None
            except core_errors.BankApiError as error:
                connection.sudo()._save_client_state(client)
                raise UserError(connection._describe_error(error)) from None
            connection.sudo()._save_client_state(client)
            order._bank_api_take_status(status)
        return True

    # -------------------------------------------------------------------------
    # Business methods
    # -------------------------------------------------------------------------

    def _bank_api_take_status(self, status):
        self.ensure_one()
        if status == self.bank_api_bank_status:
            return
        before = self.bank_api_bank_state
        self.sudo().bank_api_bank_status = status
        state = self.bank_api_bank_state
        if state != before and state in BANK_STATE_EVENTS:
            self._bank_api_audit(
                BANK_STATE_EVENTS[state],
                self.env._("The bank's status: %(status)s.", status=status),
            )
        if state == "rejected":
            self.action_cancel()

    def _bank_api_note_booked(self):
        """The orders whose payments are all on the statement now (reconciled
        with their bank lines): executed, whatever the bank's last status
        said, and the audit trail says so once."""
        for order in self.filtered(lambda o: o.state == "uploaded"):
            payments = order.payment_ids.filtered(lambda p: p.state != "canceled")
            if order.bank_api_booked or not payments:
                continue
            if not all(payment.is_matched for payment in payments):
                continue
            order.sudo().bank_api_booked = True
            order._bank_api_audit(
                "booked",
                self.env._(
                    "Every payment of the order is on the bank statement, "
                    "reconciled with its bank line: the bills are paid."
                ),
            )

    def _bank_api_connection(self):
        """The connection that feeds the order's bank journal."""
        account = (
            self.env["bank.api.account"]
            .sudo()
            .search([("journal_id", "=", self.journal_id.id)], limit=1)
        )
        if not account:
            raise UserError(
                self.env._(
                    "No bank connection feeds journal %(journal)s: connect its "
                    "bank, or generate the payment file.",
                    journal=self.journal_id.display_name,
                )
            )
        return account.connection_id.sudo(False)

    def _bank_api_batch(self):
        """The order's payments as the bank receives them."""
        debtor = compact_account(self.company_partner_bank_id.acc_number)
        dates = [date for date in self.payment_ids.mapped("payment_line_date") if date]
        transfers = tuple(
            Transfer(
                end_to_end_id=payment.payment_line_ids[:1].name,
                amount=payment.payment_line_ids[:1]._bank_api_decimal(payment.amount),
                creditor_iban=compact_account(payment.partner_bank_id.acc_number),
                creditor_name=payment.partner_id.name,
                remittance=payment.payment_reference or "",
            )
            for payment in self.payment_ids.sorted("id")
        )
        return PaymentBatch(
            debtor_iban=debtor,
            currency=(self.journal_id.currency_id or self.company_id.currency_id).name,
            execution_date=max([fields.Date.context_today(self), *dates[:1]]),
            transfers=transfers,
            idempotency_key=self._bank_api_idempotency_key(),
            batch_booking=self.payment_mode_id.bank_api_batch_booking,
        )

    def _bank_api_idempotency_key(self):
        """The same for every attempt to send this approved content."""
        database = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        return str(
            uuid.uuid5(
                uuid.NAMESPACE_URL,
                f"bank_api_sync_payment:{database}:{self.id}:"
                f"{self.bank_api_approved_hash}",
            )
        )

    def _bank_api_check_approval_fields(self, vals):
        if APPROVAL_FIELDS & set(vals) and not self.env.su:
            raise UserError(
                self.env._("Only the approval steps set who approved a payment order.")
            )

    def _bank_api_require_group(self, group):
        if not self.env.user.has_group(group):
            raise UserError(
                self.env._(
                    "You are not allowed to do this with payment orders: ask an "
                    "administrator for the group '%(group)s'.",
                    group=self.env.ref(group).name,
                )
            )

    def _bank_api_check_editable(self):
        """What gets paid changes only while the order is a draft: after that
        it is what the approver approves (reset the order to draft first)."""
        frozen = self.filtered(lambda order: order.state != "draft")
        if frozen:
            raise UserError(
                self.env._(
                    "Payment order %(name)s is confirmed: set it back to draft "
                    "(Cancel, then Back to Draft) to change what it pays.",
                    name=frozen[0].name,
                )
            )

    def _bank_api_changed_by_user(self):
        self.sudo().write({"bank_api_last_changed_by_id": self.env.user.id})

    def _bank_api_check_four_eyes(self):
        user = self.env.user
        preparers = (
            self.create_uid
            | self.bank_api_last_changed_by_id
            | self.bank_api_submitted_by_id
        )
        if user in preparers:
            raise UserError(
                self.env._(
                    "You created, changed or submitted payment order %(name)s: "
                    "another approver must approve or refuse it.",
                    name=self.name,
                )
            )

    def _bank_api_check_limit(self):
        limit = (
            self.env["bank.api.payment.approval.limit"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.env.user.id),
                    ("company_id", "=", self.company_id.id),
                ],
                limit=1,
            )
        )
        total = self.total_company_currency
        if (
            not limit
            or self.company_currency_id.compare_amounts(total, limit.amount_limit) > 0
        ):
            raise UserError(
                self.env._(
                    "Payment order %(name)s pays %(total)s; your approval limit in "
                    "%(company)s is %(limit)s.",
                    name=self.name,
                    total=self.company_currency_id.format(total),
                    company=self.company_id.name,
                    limit=self.company_currency_id.format(limit.amount_limit or 0.0),
                )
            )

    def _bank_api_check_sendable(self):
        """Before anything leaves Odoo (file or API): approved, unchanged since,
        still passing the checks (else UserError), and every account on the
        white list today (else the notification to show, the answers kept)."""
        self._bank_api_require_group(PREPARER)
        self._bank_api_check_approved_content()
        self._bank_api_raise_problems()
        return self._bank_api_whitelist_stop()

    def _bank_api_check_approved_content(self):
        if self.bank_api_approval_state != "approved":
            raise UserError(
                self.env._(
                    "Payment order %(name)s is not approved: a second person must "
                    "approve it before it is sent.",
                    name=self.name,
                )
            )
        if content_hash(self._bank_api_content()) != self.bank_api_approved_hash:
            raise UserError(
                self.env._(
                    "Payment order %(name)s changed after it was approved: set it "
                    "back to draft and have it approved again.",
                    name=self.name,
                )
            )

    def _bank_api_reset_approval(self):
        self.sudo().write(
            {
                "bank_api_approval_state": "draft",
                "bank_api_approved_by_id": False,
                "bank_api_approved_at": False,
                "bank_api_approved_hash": False,
            }
        )

    def _bank_api_content(self):
        """What the order pays, as the approval and the audit trail see it."""
        self.ensure_one()
        lines = self.payment_line_ids.sorted("id")
        return {
            "order": self.name,
            "company": self.company_id.id,
            "payment_mode": self.payment_mode_id.id,
            "journal": self.journal_id.id,
            "debit_account": compact_account(self.company_partner_bank_id.acc_number),
            "lines": [line._bank_api_content() for line in lines],
        }

    def _bank_api_audit(self, event, note=None):
        self.ensure_one()
        return self.env["bank.api.payment.audit"]._record(
            self, event, content_hash(self._bank_api_content()), note
        )

    def _bank_api_text(self, text):
        return in_user_language(self.env, "bank_api_sync_payment", text)

    def _bank_api_facts(self):
        """The core's view of the order and of the other open orders."""
        self.ensure_one()
        lines = self.payment_line_ids
        others = (
            self.env["account.payment.line"]
            .sudo()
            .search(
                [
                    ("order_id", "!=", self.id),
                    ("order_id.state", "in", OPEN_STATES),
                    ("company_id", "=", self.company_id.id),
                    "|",
                    ("move_line_id", "in", lines.move_line_id.ids),
                    "&",
                    ("move_line_id", "=", False),
                    ("partner_id", "in", lines.partner_id.ids),
                ]
            )
        )
        bills_elsewhere, payments_elsewhere = {}, {}
        for other in others:
            if other.move_line_id:
                bills_elsewhere[other.move_line_id.id] = other.order_id.name
            else:
                key = payment_key(other._bank_api_facts(other.order_id))
                payments_elsewhere[key] = other.order_id.name
        return OrderFacts(
            name=self.name,
            today=fields.Date.context_today(self),
            debit_currency=(
                self.journal_id.currency_id or self.company_id.currency_id
            ).name,
            debit_account=self.company_partner_bank_id.acc_number or None,
            lines=tuple(line._bank_api_facts(self) for line in lines),
            bills_in_other_orders=bills_elsewhere,
            payments_in_other_orders=payments_elsewhere,
        )

    def _bank_api_problems(self):
        """Every reason the order cannot go, in the user's language."""
        self.ensure_one()
        problems = [
            self._bank_api_text(p.message) for p in check_order(self._bank_api_facts())
        ]
        for line in self.payment_line_ids.filtered("bank_api_split_payment"):
            if not line.communication or not line.communication.startswith("/VAT/"):
                problems.append(
                    self.env._(
                        "%(line)s (%(partner)s): a split payment needs the "
                        "supplier's Polish NIP and the invoice number in its "
                        "title (/VAT/.../IDC/.../INV/...).",
                        line=line.name,
                        partner=line.partner_id.name,
                    )
                )
            if line.currency_id.name != "PLN":
                problems.append(
                    self.env._(
                        "%(line)s (%(partner)s): a split payment is paid in PLN.",
                        line=line.name,
                        partner=line.partner_id.name,
                    )
                )
        return problems

    def _bank_api_raise_problems(self):
        problems = self._bank_api_problems()
        if problems:
            raise UserError(
                self.env._(
                    "Payment order %(name)s cannot go to the bank:\n%(problems)s",
                    name=self.name,
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )

    # -------------------------------------------------------------------------
    # The VAT white list
    # -------------------------------------------------------------------------

    def _bank_api_check_whitelist(self):
        """Ask the white list, once per NIP, account and day, about every line
        paying a Polish taxpayer's Polish account; keep each answer (and its
        requestId as proof) on the line. Returns (the blocked lines, why the
        register could not answer them all, or None)."""
        today = fields.Date.context_today(self)
        lines = self.payment_line_ids
        pairs = {}
        for line in lines:
            nip = polish_nip(
                line.partner_id.commercial_partner_id.vat,
                line.partner_id.commercial_partner_id.country_id.code,
            )
            account = nrb(compact_account(line.partner_bank_id.acc_number))
            if nip and account:
                pairs[line] = (nip, "PL" + account)
        (lines - self.env["account.payment.line"].concat(*pairs)).sudo().write(
            {"bank_api_whitelist_state": "not_applicable"}
        )
        to_check = {
            line: pair
            for line, pair in pairs.items()
            if line.bank_api_whitelist_date != today
            or line.bank_api_whitelist_state == "not_checked"
        }
        problem = to_check and self._bank_api_ask_whitelist(to_check, today)
        return lines.filtered("bank_api_whitelist_blocked"), problem or None

    def _bank_api_ask_whitelist(self, pairs_by_line, today):
        """Ask and keep the answers, those of a batch the register stopped
        answering half-way included (each is a proof, and counted against the
        day's limit); returns why it stopped, or None."""
        company = self.company_id[:1] or self.env.company
        checks = self.env["bank.api.whitelist.check"].sudo()
        known = checks.search(
            [
                ("company_id", "=", company.id),
                ("check_date", "=", today),
                ("nip", "in", [nip for nip, _account in pairs_by_line.values()]),
            ]
        )
        used_today = checks.search_count(
            [("company_id", "=", company.id), ("check_date", "=", today)]
        )
        cache = WhiteListCache(
            WhiteListClient(self._bank_api_whitelist_url()),
            known=[check._answer() for check in known],
            used_today=used_today,
        )
        answers, problem = {}, None
        try:
            cache.ensure_room(pairs_by_line.values(), today)
            for line, (nip, account) in pairs_by_line.items():
                answers[line] = cache.answer(nip, account, today)
        except WhiteListError as error:
            problem = self.env._(
                "The VAT white list could not be checked: %(reason)s",
                reason=self._bank_api_text(error.reason),
            )
        checks._store(company, cache.fresh)
        by_key = {
            (check.nip, check.account): check
            for check in checks.search(
                [("company_id", "=", company.id), ("check_date", "=", today)]
            )
        }
        for line, answer in answers.items():
            check = by_key[(answer.nip, answer.account)]
            line.sudo().write(
                {
                    "bank_api_whitelist_state": "listed"
                    if answer.assigned
                    else "not_listed",
                    "bank_api_whitelist_check_id": check.id,
                    "bank_api_whitelist_request_id": answer.request_id,
                    "bank_api_whitelist_date": today,
                }
            )
        return problem

    @api.model
    def _bank_api_whitelist_url(self):
        url = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("bank_api_sync_payment.whitelist_url", PRODUCTION_URL)
        )
        return url

    def _bank_api_blocked_message(self, lines):
        listed = [
            self.env._(
                "%(line)s (%(partner)s): %(account)s, request ID %(request)s",
                line=line.name,
                partner=line.partner_id.name,
                account=line.partner_bank_id.acc_number,
                request=line.bank_api_whitelist_request_id,
            )
            for line in lines
        ]
        return self.env._(
            "These accounts are not on the VAT white list and the transactions "
            "are worth more than 15,000 PLN; paying them would cost the tax "
            "deduction and make the company jointly liable for the supplier's "
            "VAT. Ask the supplier for a listed account, or a payment "
            "administrator may pay anyway giving the reason (the ZAW-NR notice "
            "to file within 7 days):\n%(lines)s",
            lines="\n".join(f"- {text}" for text in listed),
        )

    def _bank_api_whitelist_stop(self):
        """None when every line may be paid, else the notification that keeps
        the order where it is (a blocked account, or a register that did not
        answer); the register's answers are kept either way."""
        blocked, problem = self._bank_api_check_whitelist()
        if problem:
            return self._bank_api_notification(
                self.env._("The VAT white list did not answer"), problem, "warning"
            )
        if blocked:
            return self._bank_api_notification(
                self.env._("Blocked by the VAT white list"),
                self._bank_api_blocked_message(blocked),
                "danger",
            )
        return None

    def _bank_api_notification(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
