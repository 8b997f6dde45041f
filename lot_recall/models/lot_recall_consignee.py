# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import csv
import datetime
import io
import math
import re
import zipfile

import openpyxl

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize

# At most this many consignees per list sent (typed or uploaded): longer lists are split.
CONSIGNEE_MAX_ROWS = 1000
# Uploaded files larger than this are refused before they are read.
CONSIGNEE_MAX_FILE_SIZE = 2 * 1024 * 1024
# No consignee got more: larger numbers are typing errors (and overflow the database).
CONSIGNEE_MAX_QUANTITY = 10**12
CONSIGNEE_NAME_MAX_LENGTH = 256
CONSIGNEE_COLUMNS = ("name", "email", "country", "quantity", "date")
CONSIGNEE_SOURCES = [
    ("typed", "Typed on the notice page"),
    ("csv", "CSV file"),
    ("xlsx", "XLSX file"),
]
# What the customer reported: never changed once recorded, by anyone.
REPORTED_FIELDS = frozenset(
    {
        "recall_id",
        "notice_id",
        "tier",
        "name",
        "email",
        "country_id",
        "quantity",
        "date",
        "source",
        "source_file",
        "source_row",
    }
)
# Dates as customers type them, besides ISO (YYYY-MM-DD) and the page language's format.
EXTRA_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d", "%d.%m.%Y")
XLSX_MAGIC = b"PK\x03\x04"


class ConsigneeRowsError(ValueError):
    """The consignees sent cannot be recorded: ``args[0]`` is the list of messages for the
    customer, one per problem, each naming its row."""


class LotRecallConsignee(models.Model):
    """A second-tier consignee of a recall: someone a customer (a distributor) says it
    delivered the recalled products to, as the customer reported it on its notice page.

    Created only by ``lot.recall.notice._report_consignees`` (the notice page, after the
    notice's token was checked); what the customer reported is evidence: nobody changes or
    deletes it. The recall's code links it to the partner and the notice it was sent
    (``_notify``), when the company sends second-tier consignees the notice.
    """

    _name = "lot.recall.consignee"
    _description = "Recall Second-Tier Consignee"
    _order = "recall_id desc, notice_id, id"

    recall_id = fields.Many2one(
        "lot.recall", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="recall_id.company_id")
    notice_id = fields.Many2one(
        "lot.recall.notice",
        string="Customer's Notice",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
        help="The notice of the customer (tier 1) who listed this consignee.",
    )
    reported_by_id = fields.Many2one(
        related="notice_id.partner_id", string="Listed By", help="The customer who listed it."
    )
    tier = fields.Integer(
        default=2,
        required=True,
        readonly=True,
        help="2: a consignee of one of our customers (who are tier 1).",
    )
    name = fields.Char(string="Consignee", required=True, readonly=True)
    email = fields.Char(readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    date = fields.Date(string="Delivered On", readonly=True)
    source = fields.Selection(CONSIGNEE_SOURCES, required=True, readonly=True)
    source_file = fields.Char(string="File", readonly=True)
    source_row = fields.Integer(
        string="Row", readonly=True, help="The row of the file or of the page's form."
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        readonly=True,
        ondelete="restrict",
        index="btree_not_null",
        help="The contact the notice was sent to: found by its email address, or created, "
        "when the company sends second-tier consignees the recall notice.",
    )
    consignee_notice_id = fields.Many2one(
        "lot.recall.notice",
        string="Consignee's Notice",
        readonly=True,
        ondelete="restrict",
        index="btree_not_null",
        help="The recall notice sent to this consignee, with its own acknowledgment link.",
    )
    state = fields.Selection(
        [("listed", "Listed"), ("notified", "Notified"), ("acknowledged", "Acknowledged")],
        compute="_compute_state",
        store=True,
        help="Listed: reported by the customer, not reached by us. Notified: its notice "
        "reached its mail server. Acknowledged: it answered its notice.",
    )

    @api.depends("consignee_notice_id.state")
    def _compute_state(self):
        states = {"sent": "notified", "acknowledged": "acknowledged"}
        for consignee in self:
            consignee.state = states.get(consignee.consignee_notice_id.state, "listed")

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Second-tier consignees are listed by the customers on their notice page only."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        reported = REPORTED_FIELDS & set(vals)
        if self and reported:
            raise UserError(
                self.env._(
                    "What a customer reported about its consignees is evidence: it cannot be "
                    "changed."
                )
            )
        if self and not self.env.su:
            raise AccessError(
                self.env._("Second-tier consignees are changed by the recall's actions only.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "What a customer reported about its consignees is evidence: it cannot be deleted."
            )
        )

    # -- Reading what the customer sent -------------------------------------------------------

    @api.model
    def _column_titles(self):
        """The titles of the template's columns, in the user's language, in column order."""
        return {
            "name": self.env._("Name"),
            "email": self.env._("Email"),
            "country": self.env._("Country"),
            "quantity": self.env._("Quantity"),
            "date": self.env._("Date"),
        }

    @api.model
    def _template_xlsx(self):
        """The template a customer fills: the columns' titles, dates and numbers formatted."""
        titles = self._column_titles()
        kinds = {"quantity": ("number", 11), "date": ("date", 13)}
        columns = [
            (titles[key], *kinds.get(key, ("text", 30 if key == "name" else 24)))
            for key in CONSIGNEE_COLUMNS
        ]
        return self.env["lot.recall.xlsx"]._workbook([(self.env._("Consignees"), columns, [])])

    @api.model
    def _template_csv(self):
        """The template as CSV (UTF-8 with a byte order mark, so that Excel reads accents)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        titles = self._column_titles()
        writer.writerow([titles[key] for key in CONSIGNEE_COLUMNS])
        return ("\ufeff" + buffer.getvalue()).encode()

    @api.model
    def _rows_from_file(self, filename, content):
        """The rows of an uploaded CSV or XLSX file as ``[(row number, {column: value})]``,
        the row number as the customer's spreadsheet shows it (the header is row 1); entirely
        empty rows are left out. Raises :class:`ConsigneeRowsError`."""
        if not content:
            raise ConsigneeRowsError([self.env._("The file is empty.")])
        if len(content) > CONSIGNEE_MAX_FILE_SIZE:
            raise ConsigneeRowsError(
                [
                    self.env._(
                        "The file is larger than %(size)s MB: split it.",
                        size=CONSIGNEE_MAX_FILE_SIZE // (1024 * 1024),
                    )
                ]
            )
        if content.startswith(XLSX_MAGIC):
            records = self._xlsx_records(content)
        elif (filename or "").lower().endswith((".xlsx", ".xls", ".ods")):
            raise ConsigneeRowsError(
                [self.env._("Upload the list as an XLSX (Excel 2007 and later) or a CSV file.")]
            )
        else:
            records = self._csv_records(content)
        return self._rows_from_records(records)

    @api.model
    def _csv_records(self, content):
        # UTF-8 (with or without a byte order mark), else Windows' Western European, as Excel
        # saves CSV files there; Latin-1 reads any byte.
        for encoding in ("utf-8-sig", "cp1252", "latin-1"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if "\x00" in text:
            raise ConsigneeRowsError(
                [self.env._("Upload the list as an XLSX or a CSV file: this file is neither.")]
            )
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            return list(csv.reader(io.StringIO(text), dialect))
        except csv.Error as error:
            raise ConsigneeRowsError(
                [self.env._("The CSV file cannot be read: %(error)s", error=error)]
            ) from None

    @api.model
    def _xlsx_records(self, content):
        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise ConsigneeRowsError(
                [self.env._("The XLSX file cannot be read: save it again from your spreadsheet.")]
            ) from None
        try:
            sheet = book.worksheets[0]
            records = []
            for values in sheet.iter_rows(values_only=True):
                records.append(list(values))
                if len(records) > CONSIGNEE_MAX_ROWS + 1:
                    break
            return records
        finally:
            book.close()

    @api.model
    def _rows_from_records(self, records):
        """``[(row number, {column: value})]`` from a file's records, the first its header."""
        if not records:
            raise ConsigneeRowsError([self.env._("The file is empty.")])
        columns = self._header_columns(records[0])
        rows = []
        for number, record in enumerate(records[1:], start=2):
            values = {
                key: record[index] if index < len(record) else None
                for key, index in columns.items()
            }
            if all(value is None or str(value).strip() == "" for value in values.values()):
                continue
            rows.append((number, values))
        return rows

    @api.model
    def _header_columns(self, header):
        """{column: index} from a file's first row, whose cells name the columns (in English
        or in the page's language, as the template does). Raises when one is missing."""
        titles = self._column_titles()
        aliases = {key: {key, titles[key].strip().lower()} for key in CONSIGNEE_COLUMNS}
        aliases["email"] |= {"e-mail", "email address"}
        aliases["quantity"] |= {"qty"}
        columns = {}
        for index, cell in enumerate(header):
            label = str(cell if cell is not None else "").strip().lower()
            for key, names in aliases.items():
                if label in names and key not in columns:
                    columns[key] = index
        missing = [titles[key] for key in CONSIGNEE_COLUMNS if key not in columns]
        if missing:
            raise ConsigneeRowsError(
                [
                    self.env._(
                        "Row 1: the columns %(missing)s are missing. The first row names the "
                        "columns: %(columns)s (download the template).",
                        missing=", ".join(missing),
                        columns=", ".join(titles[key] for key in CONSIGNEE_COLUMNS),
                    )
                ]
            )
        return columns

    # -- Checking them ------------------------------------------------------------------------

    @api.model
    def _check_rows(self, rows):
        """The values of the consignees of ``rows`` (``[(row number, {column: raw value})]``),
        every row checked. Raises :class:`ConsigneeRowsError` with every problem found, each
        naming its row: then nothing is to be saved."""
        if not rows:
            raise ConsigneeRowsError([self.env._("No consignee listed: fill in at least one row.")])
        if len(rows) > CONSIGNEE_MAX_ROWS:
            raise ConsigneeRowsError(
                [
                    self.env._(
                        "At most %(max)s consignees at a time: split the list.",
                        max=CONSIGNEE_MAX_ROWS,
                    )
                ]
            )
        countries = self._countries_by_name()
        latest_day = self._latest_day_on_earth()
        vals_list, errors = [], []
        for number, raw in rows:
            values, problems = self._check_row(raw, countries, latest_day)
            errors += [
                self.env._("Row %(row)s: %(problem)s", row=number, problem=problem)
                for problem in problems
            ]
            vals_list.append({**values, "source_row": number})
        if errors:
            raise ConsigneeRowsError(errors)
        return vals_list

    @api.model
    def _check_row(self, raw, countries, latest_day):
        """(values, problems) of one row: the field values, and a sentence per problem."""
        problems = []
        name = self._text(raw.get("name"))
        if not name:
            problems.append(self.env._("the name is missing."))
        elif len(name) > CONSIGNEE_NAME_MAX_LENGTH:
            problems.append(
                self.env._(
                    "the name is too long (at most %(max)s characters).",
                    max=CONSIGNEE_NAME_MAX_LENGTH,
                )
            )
        email = self._text(raw.get("email"))
        if email:
            normalized = self._valid_email(email)
            if not normalized:
                problems.append(
                    self.env._("the email address %(email)s is not valid.", email=repr(email))
                )
            email = normalized
        country = self._text(raw.get("country"))
        country_id = False
        if country:
            country_id = countries.get(country.lower())
            if not country_id:
                problems.append(
                    self.env._(
                        "the country %(country)s is unknown: give its two-letter code (e.g. "
                        "US, DE) or its name.",
                        country=repr(country),
                    )
                )
        quantity, problem = self._quantity(raw.get("quantity"))
        if problem:
            problems.append(problem)
        date, problem = self._date(raw.get("date"), latest_day)
        if problem:
            problems.append(problem)
        values = {
            "name": name,
            "email": email or False,
            "country_id": country_id,
            "quantity": quantity,
            "date": date,
        }
        return values, problems

    @api.model
    def _text(self, value):
        """A cell or field as one line of text: control characters become spaces."""
        if value is None or value is False:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", str(value)).split())

    @api.model
    def _valid_email(self, email):
        """The normalized address when ``email`` is exactly one address whose domain has a
        dot, else ``False``."""
        if re.search(r"[\s<>,;\"]", email):
            return False
        normalized = email_normalize(email)
        if not normalized or "." not in normalized.rpartition("@")[2]:
            return False
        return normalized

    @api.model
    def _quantity(self, value):
        """(quantity, problem)"""
        if isinstance(value, bool):
            value = None
        if isinstance(value, int | float):
            quantity = float(value)
        else:
            text = self._text(value).replace(" ", "")
            if not text:
                return 0.0, self.env._("the quantity is missing.")
            try:
                quantity = float(text.replace(",", "."))
            except ValueError:
                return 0.0, self.env._(
                    "the quantity %(quantity)s is not a number.", quantity=repr(text)
                )
        if not math.isfinite(quantity) or quantity <= 0:
            return 0.0, self.env._("the quantity must be a positive number.")
        if quantity > CONSIGNEE_MAX_QUANTITY:
            return 0.0, self.env._("the quantity is too large: give it in units.")
        return quantity, None

    @api.model
    def _date(self, value, latest_day):
        """(date, problem): ``value`` a date or a datetime (XLSX), or text in ISO
        (YYYY-MM-DD) or in the page language's date format."""
        if isinstance(value, datetime.datetime):
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        else:
            text = self._text(value)
            if not text:
                return False, self.env._("the delivery date is missing.")
            day = self._parse_date(text)
            if not day:
                return False, self.env._(
                    "the date %(date)s cannot be read: write it as %(example)s.",
                    date=repr(text),
                    example=self._date_example(),
                )
        if day > latest_day:
            return False, self.env._("the date %(date)s is in the future.", date=day.isoformat())
        if day.year < 1900:
            return False, self.env._("the date %(date)s is too old.", date=day.isoformat())
        return day, None

    @api.model
    def _date_formats(self):
        lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US")
        formats = ["%Y-%m-%d"]
        if lang and lang.date_format not in formats:
            formats.append(lang.date_format)
        return formats + [fmt for fmt in EXTRA_DATE_FORMATS if fmt not in formats]

    @api.model
    def _parse_date(self, text):
        for fmt in self._date_formats():
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        return False

    @api.model
    def _date_example(self):
        example = datetime.date(2026, 1, 31)
        return " / ".join(dict.fromkeys(example.strftime(fmt) for fmt in self._date_formats()[:2]))

    @api.model
    def _latest_day_on_earth(self):
        """Today where it is latest (UTC+14): a customer anywhere may date a delivery today."""
        return (fields.Datetime.now() + datetime.timedelta(hours=14)).date()

    @api.model
    def _countries_by_name(self):
        """{code or name, lowercased: country id}: two-letter codes, and names in English and
        in the page's language."""
        countries = {}
        Country = self.env["res.country"].sudo()
        for lang in dict.fromkeys(("en_US", self.env.lang or "en_US")):
            for country in Country.with_context(lang=lang).search_fetch([], ["name", "code"]):
                countries.setdefault(country.name.strip().lower(), country.id)
                countries.setdefault(country.code.lower(), country.id)
        return countries

    # -- Notifying them -----------------------------------------------------------------------

    def _notify(self):
        """Send these consignees the recall notice on behalf of the customer who listed them
        (company setting *Notify Second-Tier Consignees*): each one with an email address, of
        an active real recall, not notified yet, gets a tier-2 notice (one per recall and
        contact: two customers listing one consignee give it one notice) with its own
        acknowledgment link, queued like the customers' notices. Its contact is the partner
        with that email address (shared or of the recall's company), else a new one."""
        consignees = self.sudo().filtered(
            lambda c: c.email and not c.consignee_notice_id and c.recall_id._is_active_real()
        )
        if not consignees:
            return self.env["lot.recall.notice"]
        Partner = self.env["res.partner"].sudo()
        Notice = self.env["lot.recall.notice"].sudo()
        notices = Notice
        for consignee in consignees:
            company = consignee.recall_id.company_id
            partner = Partner.search(
                [
                    ("email_normalized", "=", consignee.email),
                    ("company_id", "in", [False, company.id]),
                ],
                order="id",
                limit=1,
            )
            if not partner:
                partner = Partner.create(
                    {
                        "name": consignee.name,
                        "email": consignee.email,
                        "country_id": consignee.country_id.id,
                        "company_id": company.id,
                    }
                )
            notice = Notice.search(
                [
                    ("recall_id", "=", consignee.recall_id.id),
                    ("partner_id", "=", partner.id),
                    ("tier", "=", 2),
                ],
                limit=1,
            )
            if not notice:
                notice = Notice.with_context(
                    mail_create_nolog=True, mail_create_nosubscribe=True
                ).create(
                    {
                        "recall_id": consignee.recall_id.id,
                        "partner_id": partner.id,
                        "tier": 2,
                        "parent_notice_id": consignee.notice_id.id,
                    }
                )
            consignee.write({"partner_id": partner.id, "consignee_notice_id": notice.id})
            notices |= notice
        notices.filtered(lambda n: n.state in ("pending", "failed") and not n._is_queued())._queue()
        return notices
