# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""GS1 barcodes as scanners type them, read with biip: GS1-128 / DataMatrix element strings
(raw with FNC1 separators, or with the AIs in parentheses) and GS1 Digital Link URIs.

One reader for receipt lines, lots and the supplier recall intake: :func:`parse_gs1` (the
values, or a clear ``UserError``), :func:`gs1_lot_ref` (the batch/lot of a text that is a GS1
barcode, never raising), :func:`gs1_receipt_values` (the fields of a receipt line or lot).
"""

import re

from biip import ParseConfig, ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_messages import GS1Message
from biip.symbology import SymbologyIdentifier

from odoo.exceptions import UserError

from . import local_day_start

GROUP_SEPARATOR = "\x1d"
# How keyboard-wedge scanners type the FNC1 group separator besides the GS character: the
# set Odoo's barcodes_gs1_nomenclature accepts. "#" is not in GS1's character set 82.
WEDGE_SEPARATORS = re.compile(r"Alt029|#")
# Impossible dates are reported by parse_gs1 itself, naming the AI, in the user's language.
PARSE_CONFIG = ParseConfig(gs1_element_strings_verify_date=False)
# The AIs read, by the key of their value in parse_gs1's answer.
TEXT_AIS = {"01": "gtin", "10": "lot", "21": "serial"}
DATE_AIS = {"11": "production_date", "15": "use_date", "17": "expiration_date"}
GTIN_RE = re.compile(r"[0-9]{8}|[0-9]{12,14}")


def _printable(text):
    return text.strip().replace(GROUP_SEPARATOR, "<GS>")


def _element_strings(text, config=PARSE_CONFIG):
    """The GS1 element strings of ``text``; biip's ``ParseError`` when it is no GS1 barcode."""
    text = text.strip()
    if text.lower().startswith(("http://", "https://")):
        return GS1DigitalLinkURI.parse(text, config=config).element_strings
    text = WEDGE_SEPARATORS.sub(GROUP_SEPARATOR, text)
    if text.startswith("]"):
        # The symbology identifier some scanners send first (]C1 GS1-128, ]d2 DataMatrix...).
        text = text[len(SymbologyIdentifier.extract(text)) :]
    if text.startswith("("):
        return GS1Message.parse_hri(text, config=config).element_strings
    return GS1Message.parse(text, config=config).element_strings


def _check_digit_error(element):
    """biip's complaint about the check digit of a GTIN, SSCC or GLN element, if any."""
    return element.gtin_error or element.sscc_error or element.gln_error


def parse_gs1(env, text):
    """The values of the GS1 barcode ``text`` that lots use.

    :param text: a GS1 element string as a scanner types it (FNC1 as the GS character, ``#``
        or ``Alt029``; optionally after a symbology identifier such as ``]d2``), the same with
        the AIs in parentheses (``(01)...(10)...``), or a GS1 Digital Link URI
    :return: a dict with, for the AIs present, ``gtin`` (AI 01), ``lot`` (AI 10), ``serial``
        (AI 21) as strings and ``production_date`` (AI 11), ``use_date`` (AI 15, best before),
        ``expiration_date`` (AI 17) as dates (day 00: the last day of the month). Other AIs
        are valid but not returned.
    :raise UserError: when ``text`` is not a valid GS1 barcode (unknown AI, data that does not
        fit its AI, wrong check digit, impossible date, an AI repeated with another value) or
        carries none of these AIs.
    """
    scan = _printable(text or "")
    try:
        elements = _element_strings(text or "")
    except (ParseError, ValueError) as error:
        raise UserError(
            env._(
                "“%(scan)s” is not a GS1 barcode that can be read: %(reason)s",
                scan=scan,
                reason=str(error),
            )
        ) from error
    values = {}
    seen = {}
    for element in elements:
        ai = element.ai.ai
        if seen.setdefault(ai, element.value) != element.value:
            raise UserError(
                env._(
                    "“%(scan)s” gives AI (%(ai)s) %(title)s twice with different values "
                    "(%(first)s, %(second)s): GS1 forbids it, scan the barcode again.",
                    scan=scan,
                    ai=ai,
                    title=element.ai.data_title,
                    first=seen[ai],
                    second=element.value,
                )
            )
        if _check_digit_error(element):
            raise UserError(
                env._(
                    "The check digit of %(title)s %(value)s in “%(scan)s” is wrong (%(reason)s): "
                    "the barcode is damaged or was misread.",
                    title=element.ai.data_title,
                    value=element.value,
                    scan=scan,
                    reason=_check_digit_error(element),
                )
            )
        if ai in DATE_AIS:
            if not element.date:
                raise UserError(
                    env._(
                        "“%(value)s” is not a date for AI (%(ai)s) %(title)s in “%(scan)s”: "
                        "GS1 dates are YYMMDD, with a real month and day (day 00 means the "
                        "last day of the month).",
                        value=element.value,
                        ai=ai,
                        title=element.ai.description,
                        scan=scan,
                    )
                )
            values[DATE_AIS[ai]] = element.date
        elif ai in TEXT_AIS:
            values[TEXT_AIS[ai]] = element.value
    if not values:
        raise UserError(
            env._(
                "“%(scan)s” carries no GTIN, batch/lot, serial number, production, best before "
                "or expiration date.",
                scan=scan,
            )
        )
    return values


def gs1_lot_ref(text):
    """The batch/lot number (AI 10) of ``text`` when it is a valid GS1 barcode carrying one,
    else ``None``; never raises.

    So that a supplier's plain lot reference is never mistaken for a GS1 element string (a
    reference such as ``10-2024`` reads as AI 10 ``-2024``, ``17240630104711`` as AI 17 then
    AI 10 ``4711``), a raw element string counts only with a mark of GS1: AIs in parentheses,
    a symbology identifier, a group separator, or a first element string that is a GTIN (AI
    01, its check digit right), as a product label's barcode starts. Digital Link URIs always
    count.
    """
    text = (text or "").strip()
    marked = text.lower().startswith(("(", "]", "http://", "https://")) or bool(
        GROUP_SEPARATOR in text or WEDGE_SEPARATORS.search(text)
    )
    try:
        elements = _element_strings(text, config=ParseConfig())
    except (ParseError, ValueError):
        return None
    if not marked and (len(elements) < 2 or elements[0].ai.ai != "01"):
        return None
    if any(_check_digit_error(element) for element in elements):
        return None
    lots = {element.value for element in elements if element.ai.ai == "10"}
    return lots.pop() if len(lots) == 1 else None


def normalize_gtin(code):
    """``code``, a GTIN-8, -12 (UPC-A), -13 (EAN-13) or -14 as written in a barcode field, as
    the 14-digit GTIN it is (leading zeros added), or ``None`` when it is not a GTIN."""
    code = (code or "").strip()
    return code.zfill(14) if GTIN_RE.fullmatch(code) else None


def product_gtins(product):
    """The GTINs of ``product``: its barcode and its packagings' barcodes that are GTINs,
    normalised to 14 digits, with the barcodes as written."""
    codes = [product.barcode, *product.packaging_ids.mapped("barcode")]
    return {normalize_gtin(code): code for code in codes if normalize_gtin(code)}


def check_product_gtin(product, gtin):
    """Raise a ``UserError`` naming both GTINs when ``gtin`` is not a GTIN of ``product``.

    A product without any GTIN (no barcode, no packaging barcode) cannot be checked: any
    GTIN is accepted for it.
    """
    known = product_gtins(product)
    if known and normalize_gtin(gtin) not in known:
        raise UserError(
            product.env._(
                "The scanned GTIN %(gtin)s is not a GTIN of %(product)s (%(product_gtins)s): "
                "is it the right product?",
                gtin=gtin,
                product=product.display_name,
                product_gtins=", ".join(known.values()),
            )
        )


def gs1_receipt_values(product, text):
    """The values the GS1 barcode ``text`` gives a receipt line of ``product`` (field names of
    ``stock.move.line``; a lot takes ``lot_name`` as its ``name``).

    AI 10 gives the supplier lot reference, and the lot name when the product's lot numbers
    are the supplier's (``lot_name_from_supplier``); AI 21 the lot name of a product tracked
    by serial number; AI 17, 15, 11 the expiration, best before and production dates. The GTIN
    (AI 01) is checked against the product's (see :func:`check_product_gtin`).
    """
    env = product.env
    if not product:
        raise UserError(env._("Choose the product before scanning its GS1 barcode."))
    parsed = parse_gs1(env, text)
    if parsed.get("gtin"):
        check_product_gtin(product, parsed["gtin"])
    values = {}
    if parsed.get("lot"):
        values["supplier_lot_ref"] = parsed["lot"]
        if product.tracking == "lot" and product.lot_name_from_supplier:
            values["lot_name"] = parsed["lot"]
    if parsed.get("serial") and product.tracking == "serial":
        values["lot_name"] = parsed["serial"]
    for fname in ("expiration_date", "use_date"):
        if parsed.get(fname):
            values[fname] = local_day_start(env, parsed[fname])
    if parsed.get("production_date"):
        values["production_date"] = parsed["production_date"]
    return values
