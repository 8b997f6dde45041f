# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
import re

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.lot_recall import ACTIVE_STATES
from ..models.lot_recall_consignee import (
    CONSIGNEE_COLUMNS,
    CONSIGNEE_MAX_FILE_SIZE,
    CONSIGNEE_MAX_ROWS,
    XLSX_MAGIC,
    ConsigneeRowsError,
)
from ..models.lot_recall_notice import ACK_ACTIONS
from ..tools import selection_label
from .recall_export import XLSX_MIMETYPE

ACK_NOTE_MAX_LENGTH = 4000
# No customer holds more: larger numbers are typing errors (and overflow the database).
ACK_QUANTITY_MAX = 10**12
# A field of a consignee row typed on the page: consignee_<column>_<row index>.
TYPED_FIELD = re.compile(rf"consignee_({'|'.join(CONSIGNEE_COLUMNS)})_(\d{{1,4}})")


class BadAcknowledgment(ValueError):
    """A posted acknowledgment that cannot be recorded; its message is for the customer."""


class RecallNoticePortal(CustomerPortal):
    """The page a customer opens from the recall notice email: their notice only."""

    def _recall_notice_or_404(self, notice_id, access_token):
        try:
            return self._document_check_access("lot.recall.notice", notice_id, access_token)
        except (AccessError, MissingError):
            return None

    def _render_recall_notice(self, notice, access_token, status=200, **values):
        return request.render(
            "lot_recall.portal_recall_notice",
            {
                "notice": notice,
                "access_token": access_token,
                "ack_actions": notice._fields["ack_action"]._description_selection(request.env),
                "countries": request.env["res.country"].sudo().search([]),
                "consignee_rows": [{}],
                "no_breadcrumbs": True,
                # The page's language, for the browser (and screen readers).
                "html_data": {"lang": (request.env.lang or "en_US").replace("_", "-")},
                **values,
            },
            status=status,
        )

    # website=True: Odoo's multilingual frontend routing (/fr/lot_recall/notice/…, the
    # frontend_lang cookie, the browser's language) and the portal's language selector.
    @http.route(
        "/lot_recall/notice/<int:notice_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def recall_notice(self, notice_id, access_token=None, listed=None, **kwargs):
        notice = self._recall_notice_or_404(notice_id, access_token)
        if not notice:
            return request.not_found()
        # After a list of consignees was recorded (redirected here, so that reloading the
        # page does not send the list again).
        listed = int(listed) if (listed or "").isdigit() else 0
        return self._render_recall_notice(notice, access_token, consignees_listed=listed)

    @http.route(
        "/lot_recall/notice/<int:notice_id>/acknowledge",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def recall_notice_acknowledge(self, notice_id, access_token=None, **post):
        notice = self._recall_notice_or_404(notice_id, access_token)
        if not notice:
            return request.not_found()
        quantity, action, note, error = self._parse_acknowledgment(post)
        if error:
            return self._render_recall_notice(
                notice, access_token, error=error, post=post, status=400
            )
        if notice.recall_id.state not in ACTIVE_STATES:
            # A late answer is not an acknowledgment of an open recall, but it is never lost.
            notice.recall_id.message_post(
                body=request.env._(
                    "%(customer)s answered the notice after the recall was %(state)s: "
                    "%(quantity)s still on hand, %(action)s. %(note)s",
                    customer=notice.partner_id.name,
                    state=selection_label(notice.recall_id, "state"),
                    quantity=quantity,
                    action=selection_label(notice, "ack_action", action),
                    note=note,
                ),
                subtype_xmlid="mail.mt_note",
                author_id=notice.partner_id.id,
            )
            return self._render_recall_notice(notice, access_token, late=True)
        notice._acknowledge(quantity, action, note, channel="portal")
        return self._render_recall_notice(notice, access_token, success=True)

    def _parse_acknowledgment(self, post):
        """(quantity, action, note, error) from the posted form; error is a sentence for the
        customer when the input is not acceptable."""
        try:
            return (*self._acknowledgment_values(post), None)
        except BadAcknowledgment as error:
            return None, None, None, error.args[0]

    def _acknowledgment_values(self, post):
        env = request.env
        try:
            quantity = float((post.get("quantity") or "").strip().replace(",", "."))
        except ValueError:
            raise BadAcknowledgment(
                env._("Enter the quantity you still hold as a number.")
            ) from None
        if not math.isfinite(quantity) or quantity < 0:
            raise BadAcknowledgment(env._("The quantity you still hold cannot be negative."))
        if quantity > ACK_QUANTITY_MAX:
            raise BadAcknowledgment(env._("Enter the quantity you still hold, in units."))
        action = post.get("action")
        if action not in dict(ACK_ACTIONS):
            raise BadAcknowledgment(env._("Choose what you did with the products."))
        note = (post.get("note") or "").strip()
        if len(note) > ACK_NOTE_MAX_LENGTH:
            raise BadAcknowledgment(
                env._(
                    "Your note is too long (at most %(max)s characters).", max=ACK_NOTE_MAX_LENGTH
                )
            )
        if any(ord(char) < 32 and char not in "\t\n\r" for char in note):
            raise BadAcknowledgment(env._("Your note contains characters that are not text."))
        return quantity, action, note

    # -- Sub-recall: the customer's own consignees --------------------------------------------

    @http.route(
        "/lot_recall/notice/<int:notice_id>/consignees",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def recall_notice_consignees(self, notice_id, access_token=None, consignee_file=None, **post):
        """The customer lists the consignees it delivered the products to: rows typed in the
        page's form, or a CSV or XLSX file. All or nothing: any problem shows every row's
        message and saves nothing."""
        notice = self._recall_notice_or_404(notice_id, access_token)
        if not notice or notice.tier != 1:
            return request.not_found()
        Consignee = request.env["lot.recall.consignee"]
        typed = []
        try:
            if consignee_file and consignee_file.filename:
                content = consignee_file.read(CONSIGNEE_MAX_FILE_SIZE + 1)
                rows = Consignee._rows_from_file(consignee_file.filename, content)
                source = "xlsx" if content.startswith(XLSX_MAGIC) else "csv"
                filename = consignee_file.filename[:255]
            else:
                typed = self._typed_consignee_rows(post)
                rows = [(number, values) for number, values in typed if any(values.values())]
                source, filename = "typed", False
            consignees = notice._report_consignees(rows, source, filename)
        except ConsigneeRowsError as error:
            return self._render_recall_notice(
                notice,
                access_token,
                consignee_errors=error.args[0],
                consignee_rows=[values for _number, values in typed] or [{}],
                status=400,
            )
        return request.redirect(
            notice.get_portal_url(query_string=f"&listed={len(consignees)}", anchor="lr_consignees")
        )

    def _typed_consignee_rows(self, post):
        """``[(row number, {column: text})]`` of the rows typed in the page's form, in the
        order shown (row number = index + 1), blank rows included."""
        rows = {}
        for key, value in post.items():
            match = TYPED_FIELD.fullmatch(key)
            if match and isinstance(value, str):
                index = int(match.group(2))
                if index < CONSIGNEE_MAX_ROWS:
                    rows.setdefault(index, {})[match.group(1)] = value.strip()
        return [
            (index + 1, {column: rows[index].get(column, "") for column in CONSIGNEE_COLUMNS})
            for index in sorted(rows)
        ]

    @http.route(
        "/lot_recall/notice/<int:notice_id>/consignees/template.<any(xlsx,csv):file_format>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        readonly=True,
    )
    def recall_notice_consignee_template(self, notice_id, file_format, access_token=None, **kw):
        """The template of the consignee list, made on the fly in the page's language."""
        notice = self._recall_notice_or_404(notice_id, access_token)
        if not notice or notice.tier != 1:
            return request.not_found()
        Consignee = request.env["lot.recall.consignee"]
        if file_format == "xlsx":
            content, mimetype = Consignee._template_xlsx(), XLSX_MIMETYPE
        else:
            content, mimetype = Consignee._template_csv(), "text/csv; charset=utf-8"
        filename = request.env._(
            "Consignees %(recall)s.%(extension)s",
            recall=notice.recall_id.name.replace("/", "-"),
            extension=file_format,
        )
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
