# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.lot_recall_notice import ACK_ACTIONS

ACK_NOTE_MAX_LENGTH = 4000


class RecallNoticePortal(CustomerPortal):
    """The page a customer opens from the recall notice email: their notice only."""

    def _recall_notice_or_404(self, notice_id, access_token):
        try:
            return self._document_check_access("lot.recall.notice", notice_id, access_token)
        except (AccessError, MissingError):
            return None

    def _render_recall_notice(self, notice, access_token, **values):
        return request.render(
            "lot_recall.portal_recall_notice",
            {
                "notice": notice,
                "access_token": access_token,
                "ack_actions": notice._fields["ack_action"]._description_selection(request.env),
                "no_breadcrumbs": True,
                # portal's language selector renders apart (t-nocache): give it the languages.
                "frontend_languages": request.env["res.lang"]._get_frontend(),
                **values,
            },
        )

    @http.route("/lot_recall/notice/<int:notice_id>", type="http", auth="public", methods=["GET"])
    def recall_notice(self, notice_id, access_token=None, **kwargs):
        notice = self._recall_notice_or_404(notice_id, access_token)
        if not notice:
            return request.not_found()
        return self._render_recall_notice(notice, access_token)

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
            return self._render_recall_notice(notice, access_token, error=error, post=post)
        notice._acknowledge(quantity, action, note)
        return self._render_recall_notice(notice, access_token, success=True)

    def _parse_acknowledgment(self, post):
        env = request.env
        try:
            quantity = float((post.get("quantity") or "").strip().replace(",", "."))
        except ValueError:
            return None, None, None, env._("Enter the quantity you still hold as a number.")
        if not math.isfinite(quantity) or quantity < 0:
            return None, None, None, env._("The quantity you still hold cannot be negative.")
        action = post.get("action")
        if action not in dict(ACK_ACTIONS):
            return None, None, None, env._("Choose what you did with the products.")
        note = (post.get("note") or "").strip()
        if len(note) > ACK_NOTE_MAX_LENGTH:
            return (
                None,
                None,
                None,
                env._(
                    "Your note is too long (at most %(max)s characters).",
                    max=ACK_NOTE_MAX_LENGTH,
                ),
            )
        return quantity, action, note, None
