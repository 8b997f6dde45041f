"""Take the screenshots shown in README.rst from a running demo server (``make demo``).

Drives Debian's headless Chromium through the DevTools protocol (websocket-client), logged in
as admin, and writes PNG files into lot_recall/static/description/.

    .cache/venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8069 --db lot_recall_demo
"""

import argparse
import base64
import html
import io
import itertools
import json
import pathlib
import shutil
import subprocess
import tempfile
import time
import urllib.request

import openpyxl
import websocket

OUT = pathlib.Path(__file__).resolve().parent.parent / "lot_recall" / "static" / "description"
_ids = itertools.count(1)


def rpc(url, path, params, cookie=None):
    request = urllib.request.Request(
        url + path,
        data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode(),
        headers={"Content-Type": "application/json", **({"Cookie": cookie} if cookie else {})},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        answer = json.load(response)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer.get("result"), response.headers.get("Set-Cookie", "")


class Browser:
    def __init__(self, port=9333):
        self.profile = tempfile.mkdtemp(prefix="lot_recall_shots_")
        self.process = subprocess.Popen(
            [
                shutil.which("chromium") or "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as answer:
                    pages = [t for t in json.load(answer) if t["type"] == "page"]
                    if pages:
                        break
            except OSError:
                pass
            time.sleep(0.1)
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=1366,
            height=860,
            deviceScaleFactor=1,
            mobile=False,
        )

    def send(self, method, **params):
        call_id = next(_ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(f"!!document.querySelector({json.dumps(selector)})"):
                time.sleep(0.8)  # let the view finish rendering
                return
            time.sleep(0.2)
        raise TimeoutError(selector)

    def open(self, url, selector):
        self.send("Page.navigate", url=url)
        self.wait_for(selector)

    def shot(self, name):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        (OUT / name).write_bytes(base64.b64decode(data))
        print("wrote", OUT / name)

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def xlsx_as_html(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["Shipments"]
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(str(v if v is not None else ''))}</td>" for v in row)
        + "</tr>"
        for row in sheet.iter_rows(values_only=True)
    )
    tabs = " ".join(f"<span class='tab'>{html.escape(name)}</span>" for name in book.sheetnames)
    return (
        "<html><body style='font-family: DejaVu Sans, sans-serif; font-size: 12px'>"
        "<style>td{border:1px solid #ccc;padding:3px 6px;white-space:nowrap}"
        "tr:first-child td{background:#eee;font-weight:bold}"
        ".tab{border:1px solid #999;padding:2px 8px;margin-right:4px}</style>"
        f"<table style='border-collapse:collapse'>{rows}</table><p>{tabs}</p></body></html>"
    )


def supplier_recall_shots(browser, url, supplier_id):
    """The Supplier Recall wizard filled from a supplier's email (two references received
    from the supplier, one never received), then the recall it creates."""
    browser.open(f"{url}/odoo/action-lot_recall.action_lot_recall", ".o_kanban_view")
    context = {
        "default_intake": "supplier",
        "default_supplier_id": supplier_id,
        "default_supplier_recall_ref": "NFM-RC-2026-07",
        "default_supplier_notice_date": "2026-11-26",
        "default_supplier_lot_refs": "NM-26-0114 \nnm-26-0121\nNM-26-0133",
        "default_reason": "Possible Salmonella contamination of these flour lots.",
        "default_classification": "class_1",
    }
    action = {
        "type": "ir.actions.act_window",
        "name": "Supplier Recall",
        "res_model": "lot.recall.wizard",
        "views": [[False, "form"]],
        "target": "new",
        "context": context,
    }
    browser.evaluate(f"odoo.__WOWL_DEBUG__.root.env.services.action.doAction({json.dumps(action)})")
    browser.wait_for(".modal .o_lot_recall_supplier_preview")
    browser.shot("screenshot_supplier_recall_wizard.png")
    browser.evaluate("document.querySelector(\".modal button[name='action_confirm']\").click()")
    browser.wait_for(".o_form_view .o_field_widget[name='supplier_recall_ref']")
    browser.evaluate(
        "[...document.querySelectorAll('.o_notebook a')]"
        '.find(a => a.textContent.includes("Supplier\'s References")).click()'
    )
    time.sleep(1)
    browser.shot("screenshot_supplier_recall_form.png")


def cockpit_shots(browser, url, call):
    """The recalls' kanban (the recall manager's cockpit) once a real recall of the yarn's dye
    lot DL-131 is opened and one customer of the supplier's recall answered by phone."""
    wizard = call(
        "lot.recall.wizard",
        "create",
        {
            "intake": "dye_lot",
            "dye_lot": "DL-131",
            "reason": "Dye lot DL-131 bleeds in the first wash.",
            "classification": "class_3",
        },
    )
    call("lot.recall.wizard", "action_confirm", [wizard])
    notices = call(
        "lot.recall.notice", "search_read", [["recall_id.supplier_id", "!=", False]], ["id"]
    )
    if notices:
        ack = call(
            "lot.recall.ack.wizard",
            "create",
            {
                "notice_id": notices[0]["id"],
                "channel": "phone",
                "quantity_on_hand": 0,
                "action": "destroyed",
            },
        )
        call("lot.recall.ack.wizard", "action_confirm", [ack])
    browser.open(
        f"{url}/odoo/action-lot_recall.action_lot_recall", ".o_kanban_view .o_kanban_record"
    )
    browser.shot("screenshot_recall_kanban.png")


def phone_shot(browser, url, notice_url):
    """The customer's page on a phone (390 x 844)."""
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        width=390,
        height=844,
        deviceScaleFactor=1,
        mobile=True,
    )
    browser.open(url + notice_url, ".o_lot_recall_notice .o_lot_recall_delivery_card")
    browser.shot("screenshot_notice_phone.png")
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        width=1366,
        height=860,
        deviceScaleFactor=1,
        mobile=False,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="lot_recall_demo")
    parser.add_argument(
        "--devtools-port", type=int, default=9333, help="Chromium's remote debugging port"
    )
    args = parser.parse_args()
    url = args.url.rstrip("/")
    _result, cookie = rpc(
        url, "/web/session/authenticate", {"db": args.db, "login": "admin", "password": "admin"}
    )
    session = cookie.split(";")[0]

    def call(model, method, *call_args):
        result, _cookie = rpc(
            url,
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(call_args), "kwargs": {}},
            cookie=session,
        )
        return result

    [recall] = call("lot.recall", "search_read", [["is_mock", "=", True]], ["lot_ids"])
    lot_id = recall["lot_ids"][0]
    notice = call("lot.recall.notice", "search_read", [["recall_id", "=", recall["id"]]], ["id"])[0]
    notice_url = call("lot.recall.notice", "get_portal_url", [notice["id"]])

    browser = Browser(port=args.devtools_port)
    try:
        name, value = session.split("=", 1)
        browser.send("Network.enable")
        browser.send("Network.setCookie", name=name, value=value, url=url)
        browser.open(
            f"{url}/odoo/action-stock.action_production_lot_form/{lot_id}",
            "button[name='action_open_recall_wizard']",
        )
        browser.shot("screenshot_lot_form.png")
        browser.evaluate(
            "document.querySelector(\"button[name='action_open_recall_wizard']\").click()"
        )
        browser.wait_for(".modal [name='preview_partner_count']")
        browser.shot("screenshot_recall_wizard.png")
        browser.open(
            f"{url}/odoo/action-lot_recall.action_lot_recall/{recall['id']}",
            ".o_form_view button[name='action_view_customers']",
        )
        browser.evaluate(
            "[...document.querySelectorAll('.o_notebook a')]"
            ".find(a => a.textContent.includes('Affected Deliveries')).click()"
        )
        time.sleep(1)
        browser.shot("screenshot_recall_form.png")
        browser.evaluate(
            "[...document.querySelectorAll('.o_notebook a')]"
            ".find(a => a.textContent.includes('Genealogy')).click()"
        )
        browser.wait_for(".o_lot_recall_genealogy[data-drawn='1']")
        browser.evaluate("document.querySelector('.o_lot_recall_genealogy').scrollIntoView()")
        browser.shot("screenshot_recall_genealogy.png")
        browser.send("Network.deleteCookies", name=name, url=url)
        browser.open(url + notice_url, ".o_lot_recall_notice form")
        browser.shot("screenshot_notice_page.png")
        phone_shot(browser, url, notice_url)
        request = urllib.request.Request(
            f"{url}/lot_recall/recall/{recall['id']}/xlsx", headers={"Cookie": session}
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            page = xlsx_as_html(response.read())
        browser.send(
            "Page.navigate", url="data:text/html;base64," + base64.b64encode(page.encode()).decode()
        )
        browser.wait_for("table")
        browser.shot("screenshot_recall_xlsx.png")
        browser.send("Network.setCookie", name=name, value=value, url=url)
        [mill] = call("res.partner", "search_read", [["name", "=", "Northfield Mills"]], ["id"])
        supplier_recall_shots(browser, url, mill["id"])
        cockpit_shots(browser, url, call)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
