"""The addon as an integrator sees it over JSON-RPC on a running server."""

import uuid

import pytest
from conftest import JsonRpc, RpcError


def test_module_installed_and_groups_exist(admin):
    module = admin.execute(
        "ir.module.module", "search_read", [["name", "=", "lot_recall"]], fields=["state"]
    )
    assert module == [{"id": module[0]["id"], "state": "installed"}]
    groups = admin.execute(
        "ir.model.data",
        "search_read",
        [["module", "=", "lot_recall"], ["model", "=", "res.groups"]],
        fields=["name"],
    )
    assert {g["name"] for g in groups} == {"group_recall_user", "group_recall_manager"}


def test_recall_user_cannot_delete_a_recall(admin, odoo_url, odoo_db):
    login = f"rpc_recall_{uuid.uuid4().hex[:8]}"
    product_id = admin.execute(
        "product.product", "create", {"name": "RPC Flour", "is_storable": True, "tracking": "lot"}
    )
    lot_id = admin.execute("stock.lot", "create", {"name": "RPC-LOT-1", "product_id": product_id})
    [user_group] = admin.execute(
        "ir.model.data",
        "search_read",
        [["module", "=", "lot_recall"], ["name", "=", "group_recall_user"]],
        fields=["res_id"],
    )
    admin.execute(
        "res.users",
        "create",
        {
            "name": "RPC Recall User",
            "login": login,
            "password": "rpc_recall-Pw1",
            "groups_id": [[6, 0, [user_group["res_id"]]]],
        },
    )
    user = JsonRpc(odoo_url, odoo_db, login, "rpc_recall-Pw1")
    recall_id = user.execute(
        "lot.recall", "create", {"reason": "RPC check", "lot_ids": [[6, 0, [lot_id]]]}
    )
    [recall] = user.execute("lot.recall", "read", [recall_id], ["name", "state"])
    assert recall["name"].startswith("RCL/") and recall["state"] == "draft"
    with pytest.raises(RpcError) as denied:
        user.execute("lot.recall", "unlink", [recall_id])
    assert denied.value.name == "odoo.exceptions.AccessError"
    assert admin.execute("lot.recall", "search_count", [["id", "=", recall_id]]) == 1
