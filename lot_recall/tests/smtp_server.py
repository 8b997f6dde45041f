# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A real SMTP server on 127.0.0.1 for tests that claim delivery (aiosmtpd)."""

import email
import email.policy
import logging
import socket

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO on the "mail.log" logger.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class RecordingHandler:
    """Keeps every message received; refuses them with a 554 while ``refuse`` is set."""

    def __init__(self):
        self.messages = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 5.7.1 Message refused by policy"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


class LocalSmtpServer:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.handler = RecordingHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self):
        return self.handler.messages
