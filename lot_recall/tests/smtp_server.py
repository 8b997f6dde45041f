# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A real SMTP server on 127.0.0.1 for tests that claim delivery (aiosmtpd)."""

import asyncio
import email
import email.policy
import logging
import socket

# aiosmtpd logs every SMTP command at INFO on the "mail.log" logger.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class RecordingHandler:
    """Keeps every message received. Misbehaves on demand:

    - ``refuse``: refuses every message with a 554 after DATA;
    - ``reject_rcpt``: addresses refused at RCPT TO with a 550 (user unknown);
    - ``drop_after_data``: addresses for which the server drops the connection once it received
      the message, without answering (the message is not kept);
    - ``delay``: seconds spent on each message before answering (a slow server).
    """

    def __init__(self):
        self.messages = []
        self.refuse = False
        self.reject_rcpt = set()
        self.drop_after_data = set()
        self.delay = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject_rcpt:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse:
            return "554 5.7.1 Message refused by policy"
        if self.drop_after_data & set(envelope.rcpt_tos):
            server.transport.abort()
            return "421 4.4.2 Connection dropped"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


def closed_port():
    """A port of 127.0.0.1 nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalSmtpServer:
    def __init__(self):
        # Imported here, where used: without aiosmtpd only the tests that need a real SMTP
        # server fail, not the import of every test of the addon (and of lot_recall_mrp's).
        from aiosmtpd.controller import Controller

        self.port = closed_port()
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
