# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import AccessError, UserError

# What makes an attachment another file, or another record's.
EXPORT_GUARDED_FIELDS = frozenset(
    {"raw", "datas", "db_datas", "store_fname", "name", "res_model", "res_id", "res_field"}
)


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def write(self, vals):
        if not self.env.su and EXPORT_GUARDED_FIELDS & set(vals) and self._lot_recall_exports():
            raise AccessError(
                self.env._(
                    "The files exported for a traceability request are rebuilt only by its "
                    "Export, never changed directly."
                )
            )
        if (
            not self.env.su
            and EXPORT_GUARDED_FIELDS & set(vals)
            and self._lot_recall_status_reports()
        ):
            raise AccessError(
                self.env._("A printed recall status report is evidence: it is never changed.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_trace_request_export(self):
        exports = self._lot_recall_exports()
        if exports:
            raise UserError(
                self.env._(
                    "%(files)s were exported for traceability requests: they are evidence and "
                    "cannot be deleted.",
                    files=", ".join(exports.mapped("name")),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_recall_status_report(self):
        reports = self._lot_recall_status_reports()
        if reports:
            raise UserError(
                self.env._(
                    "%(files)s are printed recall status reports: they are evidence and cannot "
                    "be deleted.",
                    files=", ".join(reports.mapped("name")),
                )
            )

    def _lot_recall_status_reports(self):
        """These attachments that are printed status reports of a recall (one query, only
        when some are attached to a recall)."""
        candidates = self.sudo().filtered(lambda att: att.res_model == "lot.recall")
        if not candidates:
            return self.browse()
        recalls = (
            self.env["lot.recall"].sudo().search([("status_report_ids", "in", candidates.ids)])
        )
        return candidates & recalls.status_report_ids

    def _lot_recall_exports(self):
        """These attachments that are exported files of a traceability request (one query,
        only when some are attached to a request)."""
        candidates = self.sudo().filtered(lambda att: att.res_model == "lot.trace.request")
        if not candidates:
            return self.browse()
        requests = (
            self.env["lot.trace.request"]
            .sudo()
            .search([("export_attachment_ids", "in", candidates.ids)])
        )
        return candidates & requests.export_attachment_ids
