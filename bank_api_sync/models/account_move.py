import psycopg2.errors

from odoo import models
from odoo.tools import mute_logger

from .bulk_write import assign_each

# Set by the statement importer around its bulk create (BULK_CREATE_CONTEXT):
# its new entries are linked to their lines and named a batch at a time.
BULK_IMPORT = "bank_api_bulk_import"


class AccountMove(models.Model):
    _inherit = "account.move"

    # -------------------------------------------------------------------------
    # Linking a bulk import's entries to their statement lines
    # -------------------------------------------------------------------------

    def write(self, vals):
        if self.env.context.get(BULK_IMPORT) and self._bank_api_is_line_link(vals):
            # Odoo's statement line create links each new entry to its line
            # with a write of its own (a tenth of an import's time): the
            # links of the whole batch are set when it is posted, just after.
            return True
        leaving = self.browse()
        if vals.get("state", "posted") != "posted":
            leaving = self.filtered(lambda move: move.state == "posted")
        result = super().write(vals)
        if leaving:
            # Reset to draft or cancelled: its items are open no longer.
            self.env["bank.api.match.proposal"]._bank_api_drop_stale(
                leaving.line_ids.ids, leaving.statement_line_id.ids
            )
        return result

    def _bank_api_is_line_link(self, vals):
        return (
            len(self) == 1
            and set(vals) == {"statement_line_id", "narration", "name"}
            and self.state == "draft"
            and not self.statement_line_id
            and vals["statement_line_id"] in self.statement_line_ids.ids
            and vals["narration"] == self.narration
            and self.name in (False, "/")
        )

    def action_post(self):
        if self.env.context.get(BULK_IMPORT):
            # The context comes from anyone over RPC: the links below are
            # written past the ORM's checks, so the entries' are made first.
            self.check_access("write")
            self._bank_api_link_statement_lines()
        return super().action_post()

    def _bank_api_link_statement_lines(self):
        """What Odoo's per-line writes would do, for all entries at once:
        each entry points to its line, and what depends on that (the entry's
        currency, its statement) is recomputed."""
        unlinked = self.filtered(
            lambda move: not move.statement_line_id
            and len(move.statement_line_ids) == 1
        )
        if not unlinked:
            return
        assign_each(
            unlinked,
            "statement_line_id",
            [move.statement_line_ids.id for move in unlinked],
        )

    # -------------------------------------------------------------------------
    # Naming a bulk import's entries
    # -------------------------------------------------------------------------

    def _compute_name(self):
        """Name a bulk import's bank entries a period at a time.

        Odoo looks up the journal's last name for every entry it names (a few
        queries each, on a table that grows with every import), twice per
        statement line: once in draft, once when posting. Here the draft
        entries stay '/' (they are posted in the same create), the first entry
        of each journal and sequence period is named by Odoo itself, and the
        ones after it take the following numbers: the names Odoo would give.
        """
        if not self.env.context.get(BULK_IMPORT):
            return super()._compute_name()
        batch = self.filtered(lambda move: move._bank_api_batch_nameable())
        super(AccountMove, self - batch)._compute_name()
        drafts = batch.filtered(lambda move: move.state == "draft")
        drafts.name = "/"
        to_name = batch - drafts
        for moves in to_name.grouped("journal_id").values():
            moves._bank_api_name_in_periods()
        to_name._inverse_name()

    def _bank_api_batch_nameable(self):
        self.ensure_one()
        return (
            self.move_type == "entry"
            and self.statement_line_ids
            and self.journal_id
            and self.date
            and not self.origin_payment_id
            and self.state in ("draft", "posted")
            and (not self.name or self.name == "/")
        )

    def _bank_api_name_in_periods(self):
        """Name entries of one journal, in Odoo's order (date, reference, id)."""
        moves = self.sorted(lambda move: (move.date, move.ref or "", move._origin.id))
        index = 0
        while index < len(moves):
            first = moves[index]
            first._set_next_sequence()
            reset = first._deduce_sequence_number_reset(first.name)
            _date_start, date_end, *_ = first._get_sequence_date_range(reset)
            index += 1
            period_end = index
            while period_end < len(moves) and moves[period_end].date <= date_end:
                period_end += 1
            following = moves[index:period_end]
            index = period_end
            if following:
                following._bank_api_take_numbers_after(first.name)

    def _bank_api_take_numbers_after(self, previous_name):
        """Give these entries (sorted, same journal and period) the numbers
        following ``previous_name``. A name taken meanwhile (an entry posted
        by another transaction) makes the database refuse the batch: then
        each entry is named by Odoo's own one-by-one way, which skips taken
        names."""
        format_string, values = self._get_sequence_format_param(previous_name)
        self.env.flush_all()
        self._bank_api_recompute_name_dependents()
        for offset, move in enumerate(self, start=1):
            move.name = format_string.format(
                **{**values, "seq": values["seq"] + offset}
            )
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.flush_recordset(["name"])
        except (psycopg2.errors.UniqueViolation, psycopg2.errors.ExclusionViolation):
            # The database kept '/': so must the cache, or Odoo, seeing the
            # same name again, would think it written.
            self.invalidate_recordset(["name"])
            for move in self:
                move._set_next_sequence()
            return
        self._compute_split_sequence()
        self.flush_recordset(["sequence_prefix", "sequence_number"])

    def _bank_api_recompute_name_dependents(self):
        # As Odoo's _set_next_sequence does before writing a name: stored
        # fields computed from it are recomputed, not kept as protected.
        registry = self.env.registry
        triggers = registry._field_triggers[self._fields[self._sequence_field]]
        for inverse_field, triggered_fields in triggers.items():
            for triggered_field in triggered_fields:
                if not triggered_field.store or not triggered_field.compute:
                    continue
                inverses = (
                    registry.field_inverses[inverse_field[0]]
                    if inverse_field
                    else [None]
                )
                for field in inverses:
                    records = self[field.name] if field else self
                    self.env.add_to_compute(triggered_field, records)
