# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Small helpers shared by the addon's models, reports and controllers."""

import datetime
import threading

import psycopg2.errors
import pytz

from odoo.tools import SQL


def selection_label(record, fname, value=None):
    """The label of a selection value of ``record`` in the user's language: its current value
    of field ``fname``, or ``value``."""
    value = record[fname] if value is None else value
    labels = dict(record._fields[fname]._description_selection(record.env))
    return labels.get(value, value or "")


def local_day_start(env, day):
    """The first moment of ``day`` (a date) in the user's time zone (the context's, else the
    user's), as a naive UTC datetime: how the database stores datetimes."""
    zone = pytz.timezone(env.context.get("tz") or env.user.tz or "UTC")
    start = zone.localize(datetime.datetime.combine(day, datetime.time.min))
    return start.astimezone(pytz.utc).replace(tzinfo=None)


def short_error(error, limit=200):
    """The first line of the innermost cause of ``error`` (QWeb wraps the real error)."""
    for _depth in range(10):
        inner = error.__cause__ or error.__context__
        if inner is None:
            break
        error = inner
    text = (str(error).strip().splitlines() or [error.__class__.__name__])[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def may_commit():
    """Whether long work may commit as it goes (a cron, a job, a worker): never inside a test,
    whose transaction is rolled back at its end."""
    return not getattr(threading.current_thread(), "testing", False)


def lock_rows(cr, query):
    """Run ``query``, a ``SELECT id ... FOR UPDATE SKIP LOCKED``, in a savepoint: the ids it
    locked (rows locked by others skipped), or ``None`` when one of its rows was changed since
    this transaction's snapshot (Odoo's REPEATABLE READ: someone else wrote it)."""
    try:
        with cr.savepoint(flush=False):
            cr.execute(query, log_exceptions=False)
            return [row[0] for row in cr.fetchall()]
    except psycopg2.errors.SerializationFailure:
        return None


def lock_ids(records, condition):
    """Lock the rows of ``records`` that meet ``condition`` (SQL on their table) until the end
    of the transaction, skipping the rows others hold: the ids locked, in id order. When one of
    the rows was changed since this transaction's snapshot, the others are locked one by one
    (that one is left out, see :func:`lock_rows`)."""

    def lock(ids):
        return lock_rows(
            records.env.cr,
            SQL(
                "SELECT id FROM %s WHERE id = ANY(%s) AND %s ORDER BY id FOR UPDATE SKIP LOCKED",
                SQL.identifier(records._table),
                ids,
                condition,
            ),
        )

    ids = lock(list(records.ids))
    if ids is None:
        ids = [record_id for record_id in records.ids if lock([record_id])]
    return ids


def trigger_cron(env, xmlid):
    """Run the scheduled action ``xmlid`` as soon as a cron worker is free (``ir.cron._trigger``),
    reading of the action only what ``_trigger`` needs: its ``active`` flag. ``env.ref`` and
    ``_trigger`` read every column of the action and of its server action, in two queries, on
    each recall's trace."""
    cron_id = env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=True)
    env["ir.cron"].sudo().browse(cron_id).with_context(prefetch_fields=False)._trigger()
