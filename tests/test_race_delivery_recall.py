"""A delivery validated at the same moment a recall of its lot is confirmed: whichever commits
first, a completed delivery is always in the recall (or refused), never shipped and missed."""

import random
import threading
import uuid

from conftest import RpcError, receive_new_lot, transfer, xmlid

TRIES = 10


def test_delivery_and_recall_at_the_same_time_never_miss_a_delivery(admin):
    for attempt in range(TRIES):
        tag = uuid.uuid4().hex[:8]
        received = receive_new_lot(
            admin, f"Race Milk {tag}", f"Race Dairy {tag}", f"RACE-{tag}", 50
        )
        customer = admin.execute(
            "res.partner",
            "create",
            {"name": f"Race Customer {tag}", "email": f"r.{tag}@example.com"},
        )
        picking_id = transfer(
            admin,
            xmlid(admin, "stock.picking_type_out"),
            customer,
            received["product"],
            5,
            xmlid(admin, "stock.stock_location_stock"),
            xmlid(admin, "stock.stock_location_customers"),
            {"lot_id": received["lot"]},
            validate=False,
        )
        wizard_id = admin.execute(
            "lot.recall.wizard",
            "create",
            {
                "lot_ids": [[6, 0, [received["lot"]]]],
                "reason": "Race",
                "quarantine": False,
            },
        )
        barrier = threading.Barrier(2)
        results = {}
        delay = random.Random(attempt).uniform(0, 0.3)

        def deliver(picking_id=picking_id, barrier=barrier, results=results):
            barrier.wait()
            try:
                admin.execute("stock.picking", "button_validate", [picking_id])
                results["delivery"] = "validated"
            except RpcError as error:
                results["delivery"] = error.name

        def recall(wizard_id=wizard_id, barrier=barrier, results=results, delay=delay):
            barrier.wait()
            threading.Event().wait(delay)
            action = admin.execute("lot.recall.wizard", "action_confirm", [wizard_id])
            results["recall"] = action["res_id"]

        threads = [threading.Thread(target=deliver), threading.Thread(target=recall)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        [picking] = admin.execute("stock.picking", "read", [picking_id], ["state"])
        lines = admin.execute(
            "lot.recall.line",
            "search_read",
            [["recall_id", "=", results["recall"]]],
            ["picking_id"],
        )
        recalled_pickings = {line["picking_id"][0] for line in lines}
        if picking["state"] == "done":
            assert picking_id in recalled_pickings, (attempt, delay, results)
        else:
            assert results["delivery"] == "odoo.exceptions.UserError", (attempt, results)
            assert picking_id not in recalled_pickings
