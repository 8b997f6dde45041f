# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Lot Traceability & Recall - Point of Sale",
    "summary": "Record the point-of-sale sales of a recalled lot and re-trace its recall",
    "version": "18.0.1.0.0",
    "category": "Inventory",
    "website": "https://github.com/lot-recall/lot_recall",
    "author": "lot_recall contributors",
    "maintainers": ["lot-recall"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": ["lot_recall", "point_of_sale"],
    "data": ["views/stock_lot_views.xml"],
    "auto_install": True,
}
