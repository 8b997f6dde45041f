# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.lot_recall import ACTIVE_STATES
from ..models.lot_recall_notice import ACK_ACTIONS
from ..tools import selection_label

ACK_NOTE_MAX_LENGTH = 4000
# No customer holds more: larger numbers are typing errors (and overflow the database).
ACK_QUANTITY_MAX = 10**12


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
