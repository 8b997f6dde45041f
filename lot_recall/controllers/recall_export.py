# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.exceptions import AccessError
from odoo.http import content_disposition, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RecallExport(http.Controller):
    @http.route(
        "/lot_recall/recall/<int:recall_id>/xlsx",
        type="http",
        auth="user",
        methods=["GET"],
        readonly=True,
    )
    def recall_xlsx(self, recall_id, **kwargs):
        """The recall's shipments spreadsheet, for users who may read that recall."""
        recall = request.env["lot.recall"].browse(recall_id).exists()
        if not recall:
            return request.not_found()
        try:
            content = request.env["lot.recall.xlsx"]._recall_xlsx(recall)
        except AccessError:
            return request.make_response(request.env._("You may not read this recall."), status=403)
        filename = request.env._("Recall %(recall)s - shipments.xlsx", recall=recall.name)
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
