# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Lot Traceability & Recall - Manufacturing",
    "summary": "Show the manufacturing orders a recall went through",
    "version": "18.0.1.0.0",
    "category": "Inventory",
    "website": "https://github.com/lot-recall/lot_recall",
    "author": "lot_recall contributors",
    "maintainers": ["lot-recall"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": ["lot_recall", "mrp"],
    "data": [
        "security/ir.model.access.csv",
        "security/lot_recall_yield_security.xml",
        "views/lot_recall_views.xml",
        "reports/lot_recall_drill_report.xml",
    ],
    "auto_install": True,
}
