# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import os
import subprocess
import tempfile
from urllib.parse import urlparse

import lxml.html

from odoo import models
from odoo.exceptions import UserError
from odoo.http import request, root
from odoo.service import security
from odoo.tools.pdf import merge_pdf

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin, _split_table

_logger = logging.getLogger(__name__)

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


class WkhtmltopdfRun:
    """A wkhtmltopdf run started by ``ir.actions.report._lot_recall_start_wkhtmltopdf``: it
    runs in a process of its own while this one goes on (a second core renders the next batch
    of notices while the emails of the one before are sent). ``result()`` waits for it;
    ``cancel()`` stops it if it still runs. Either removes its temporary files."""

    def __init__(self, env, process, pdf_path, temporary_files, temp_session):
        self.env = env
        self.process = process
        self.pdf_path = pdf_path
        self.temporary_files = temporary_files
        self.temp_session = temp_session
        self.output = None

    def wait(self):
        """Wait until wkhtmltopdf is done."""
        if self.output is None:
            self.output = self.process.communicate()

    def result(self):
        """The PDF, once wkhtmltopdf is done; raises ``UserError`` when it failed, with Odoo's
        message (``ir.actions.report._run_wkhtmltopdf``)."""
        try:
            self.wait()
            _out, err = self.output
            if self.process.returncode not in (0, 1):
                if self.process.returncode == -11:
                    message = self.env._(
                        "Wkhtmltopdf failed (error code: %(error_code)s). Memory limit too low or "
                        "maximum file number of subprocess reached. Message : %(message)s",
                        error_code=self.process.returncode,
                        message=err[-1000:],
                    )
                else:
                    message = self.env._(
                        "Wkhtmltopdf failed (error code: %(error_code)s). Message: %(message)s",
                        error_code=self.process.returncode,
                        message=err[-1000:],
                    )
                _logger.warning(message)
                raise UserError(message)
            if err:
                _logger.warning("wkhtmltopdf: %s", err)
            with open(self.pdf_path, "rb") as pdf_document:
                return pdf_document.read()
        finally:
            self._clean()

    def cancel(self):
        """Stop wkhtmltopdf if it still runs (its result no longer wanted)."""
        if self.process and self.process.returncode is None:  # not waited for yet
            self.process.kill()
            self.process.communicate()
        self._clean()

    def _clean(self):
        if self.temp_session:
            root.session_store.delete(self.temp_session)
            self.temp_session = None
        for path in self.temporary_files:
            try:
                os.unlink(path)
            except OSError:
                _logger.error("Error when trying to remove file %s", path)
        self.temporary_files = []


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

    def _lot_recall_start_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        """Odoo's ``_run_wkhtmltopdf``, started and not waited for: the same command (paper
        format, ``_build_wkhtmltopdf_args``, the session cookie of the current request, the
        temporary files), run in a process of its own while this one goes on.

        :return: a :class:`WkhtmltopdfRun`, whose ``result()`` is the PDF
        """
        reports = self
        report = self._get_report(report_ref) if report_ref else self.browse()
        if report.report_name in STATIC_REPORTS:
            reports = self.with_context(lot_recall_static_report=True)
        paperformat = report.get_paperformat() if report else self.get_paperformat()
        command_args = reports._build_wkhtmltopdf_args(
            paperformat,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        temporary_files = []
        temp_session = None

        def temporary_file(content, suffix, prefix):
            fd, path = tempfile.mkstemp(suffix=suffix, prefix=prefix)
            temporary_files.append(path)
            with os.fdopen(fd, "wb") as file:
                file.write(content)
            return path

        try:
            if request and request.db:
                # As Odoo does: wkhtmltopdf resolves internal links with a temporary session.
                temp_session = root.session_store.new()
                temp_session.update({**request.session, "_trace_disable": True})
                if temp_session.uid:
                    temp_session.session_token = security.compute_session_token(
                        temp_session, self.env
                    )
                root.session_store.save(temp_session)
                domain = urlparse(self._get_report_url()).hostname
                cookie = f"session_id={temp_session.sid}; HttpOnly; domain={domain}; path=/;"
                command_args += [
                    "--cookie-jar",
                    temporary_file(cookie.encode(), ".txt", "report.cookie_jar.tmp."),
                ]
            files_args = []
            if header:
                files_args += [
                    "--header-html",
                    temporary_file(header.encode(), ".html", "report.header.tmp."),
                ]
            if footer:
                files_args += [
                    "--footer-html",
                    temporary_file(footer.encode(), ".html", "report.footer.tmp."),
                ]
            paths = []
            for index, body in enumerate(bodies):
                if len(body) >= 4 * 1024 * 1024:
                    # Odoo's way with big tables, which wkhtmltopdf renders in exponential time.
                    tree = lxml.html.fromstring(body)
                    _split_table(tree, 500)
                    content = lxml.html.tostring(tree)
                else:
                    content = body.encode()
                paths.append(temporary_file(content, ".html", f"report.body.tmp.{index}."))
            pdf_path = temporary_file(b"", ".pdf", "report.tmp.")
            process = subprocess.Popen(
                [_get_wkhtmltopdf_bin(), *command_args, *files_args, *paths, pdf_path],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                encoding="utf-8",
            )
        except BaseException:
            WkhtmltopdfRun(self.env, None, None, temporary_files, temp_session)._clean()
            raise
        run = WkhtmltopdfRun(self.env, process, pdf_path, temporary_files, temp_session)
        if self.env.registry.in_test_mode():
            # The HTTP requests of a test (wkhtmltopdf's, for the report's assets) run on the
            # test's own transaction: not while the test goes on, as Odoo's run waits.
            run.wait()
        return run

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
