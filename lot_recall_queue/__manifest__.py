# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Lot Traceability & Recall - Job Queue",
    "summary": "Send recall notices as queue jobs, shared by several Odoo workers",
    "version": "18.0.1.0.0",
    "category": "Inventory",
    "website": "https://github.com/lot-recall/lot_recall",
    "author": "lot_recall contributors",
    "maintainers": ["lot-recall"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": ["lot_recall", "queue_job"],
    "data": ["data/queue_job_data.xml"],
    "auto_install": True,
    "post_init_hook": "post_init_hook",
}
