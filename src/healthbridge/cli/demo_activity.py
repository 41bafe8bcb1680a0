"""What the demo's simulated people do in Odoo, one edit at a time.

They use the Odoo API as any client would (as the admin user), except for the "lost
webhook" edit, which writes straight into the sandbox's database and throws its webhooks
away: that is what a receiver outage looks like to Odoo, which never retries.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

from healthbridge.connectors.hl7v2 import send_message
from healthbridge.connectors.odoo import OdooClient
from healthbridge.mappings.fhir import patient_to_fhir
from healthbridge.mappings.odoo import FIELDS, odoo_to_patient
from healthbridge.sandbox.odoo.runner import RunningSandbox

ADMIN_UID = 2


class DemoActivity:
    """A rotation of realistic edits; ``step`` makes the next one and describes it."""

    def __init__(
        self,
        odoo: OdooClient,
        sandbox: RunningSandbox,
        hub_url: str,
        secret: str,
        mllp: tuple[str, int] | None = None,
    ) -> None:
        self._odoo = odoo
        self._sandbox = sandbox
        self._hub_url = hub_url
        self._secret = secret
        self._mllp = mllp
        self.admissions = 0
        self.last_fhir_patient: dict[str, Any] | None = None
        self._random = random.Random(2026)
        self._turn = 0
        self.edits = 0
        self.lost = 0
        self.log: list[str] = []
        self._actions: list[Callable[[], Awaitable[str]]] = [
            self._count_stock,
            self._edit_supplier,
            self._confirm_purchase,
            self._count_stock,
            self._post_invoice,
            self._lose_a_webhook,
            self._new_supplier,
            self._admit_patient,
        ]

    async def install_hand_made_rule(self) -> None:
        """A rule 'someone set up by hand': no trigger fields, so Odoo repeats itself."""
        model = await self._odoo.search_read("ir.model", [("model", "=", "res.partner")], ["id"])
        fields = await self._odoo.search_read(
            "ir.model.fields",
            [("model", "=", "res.partner"), ("name", "in", ["name", "write_date"])],
            ["id"],
        )
        url = f"{self._hub_url}/hooks/odoo/hand-made?token={self._secret}"
        [action] = await self._odoo.create(
            "ir.actions.server",
            [
                {
                    "name": "Notify hub (set up by hand)",
                    "model_id": model[0]["id"],
                    "state": "webhook",
                    "webhook_url": url,
                    "webhook_field_ids": [(6, 0, [row["id"] for row in fields])],
                }
            ],
        )
        await self._odoo.create(
            "base.automation",
            [
                {
                    "name": "Notify hub (set up by hand)",
                    "model_id": model[0]["id"],
                    "trigger": "on_create_or_write",
                    "action_server_ids": [(6, 0, [action])],
                }
            ],
        )

    async def step(self) -> str:
        """Make the next edit; returns a one-line description for the activity log."""
        action = self._actions[self._turn % len(self._actions)]
        self._turn += 1
        line = await action()
        self.edits += 1
        self.log.append(line)
        return line

    async def _count_stock(self) -> str:
        quants = await self._odoo.search_read(
            "stock.quant",
            [("location_id.usage", "=", "internal"), ("quantity", ">", 0)],
            ["quantity", "location_id", "product_id"],
            limit=40,
            order="id",
        )
        quant = self._random.choice(quants)
        counted = max(0.0, quant["quantity"] + self._random.choice([-12, -5, -2, 3, 10]))
        await self._odoo.write("stock.quant", [quant["id"]], {"quantity": counted})
        return (
            f"stock count in [cyan]{quant['location_id'][1]}[/]: "
            f"{quant['product_id'][1]} {quant['quantity']:g} -> {counted:g}"
        )

    async def _edit_supplier(self) -> str:
        suppliers = await self._odoo.search_read(
            "res.partner",
            [("supplier_rank", ">", 0), ("is_company", "=", True)],
            ["name"],
            limit=20,
        )
        supplier = self._random.choice(suppliers)
        phone = f"+1 555 {self._random.randint(1000, 9999)}"
        await self._odoo.write("res.partner", [supplier["id"]], {"phone": phone})
        return f"supplier [cyan]{supplier['name']}[/] phone updated (hand-made rule fires twice)"

    async def _confirm_purchase(self) -> str:
        drafts = await self._odoo.search_read(
            "purchase.order", [("state", "=", "draft")], ["name"], limit=1, order="id"
        )
        if not drafts:
            return await self._count_stock()
        await self._odoo.call("purchase.order", "button_confirm", [drafts[0]["id"]])
        return f"purchase order [cyan]{drafts[0]['name']}[/] confirmed"

    async def _post_invoice(self) -> str:
        drafts = await self._odoo.search_read(
            "account.move", [("state", "=", "draft")], ["partner_id", "move_type"], limit=1
        )
        if not drafts:
            return await self._count_stock()
        await self._odoo.call("account.move", "action_post", [drafts[0]["id"]])
        [posted] = await self._odoo.read("account.move", [drafts[0]["id"]], ["name"])
        return f"{drafts[0]['move_type']} [cyan]{posted['name']}[/] posted"

    async def _new_supplier(self) -> str:
        name = f"Medline Partner {self._random.randint(100, 999)}"
        await self._odoo.create(
            "res.partner", [{"name": name, "is_company": True, "supplier_rank": 1}]
        )
        return f"new supplier [cyan]{name}[/] created (hand-made rule: 13 identical webhooks)"

    async def _lose_a_webhook(self) -> str:
        products = await self._odoo.search_read(
            "product.product", [("type", "=", "consu")], ["name", "list_price"], limit=30
        )
        product = self._random.choice(products)
        price = round(product["list_price"] * self._random.choice([0.95, 1.05, 1.1]), 2)
        # Straight into the database; the webhooks it would send are dropped, as when
        # the receiver is down: only the poller can find this change.
        self._sandbox.db.execute_kw(
            ADMIN_UID, "product.product", "write", [[product["id"]], {"list_price": price}], None
        )
        self.lost += 1
        return (
            f"price of [cyan]{product['name']}[/] -> {price:g}, "
            "[red]webhook lost[/] (the poller will catch it)"
        )

    async def _admit_patient(self) -> str:
        """An EHR admits a patient: ADT^A01 over MLLP, the billing partner appears in Odoo."""
        if self._mllp is None:
            return await self._count_stock()
        self.admissions += 1
        family, given = self._random.choice(_NAMES)
        mrn = f"MRN{self._random.randint(100000, 999999)}"
        now = time.strftime("%Y%m%d%H%M%S", time.gmtime())
        message = "\r".join(
            [
                f"MSH|^~\\&|EHR|GENERAL_HOSPITAL|HEALTHBRIDGE|HUB|{now}||ADT^A01^ADT_A01|"
                f"DEMO{now}{self.admissions}|P|2.5.1",
                f"EVN|A01|{now}",
                f"PID|1||{mrn}^^^GENERAL_HOSPITAL^MR||{family}^{given}||19800101|F|||"
                "12 Harbour Rd^^Springfield^^01101||555-0100",
                "PV1|1|I|WARD-A^101^1",
                "DG1|1||I10^Essential hypertension^ICD10",
            ]
        ).encode()
        host, port = self._mllp
        ack = await send_message(host, port, message, timeout_seconds=10)
        code = ack.split(b"MSA|", 1)[1][:2].decode() if b"MSA|" in ack else "??"
        rows = await self._odoo.search_read(
            "res.partner", [("ref", "=", mrn)], list(FIELDS["res.partner"]), limit=1
        )
        if rows:
            self.last_fhir_patient = patient_to_fhir(odoo_to_patient(rows[0]))
        return (
            f"EHR admitted [cyan]{given} {family}[/] ({mrn}) over MLLP: ACK {code}, "
            f"billing partner #{rows[0]['id'] if rows else '?'} in Odoo, diagnosis left out"
        )


_NAMES = (
    ("Okafor", "Ada"),
    ("Lindqvist", "Erik"),
    ("Moreau", "Camille"),
    ("Tanaka", "Hiro"),
    ("Silva", "Joana"),
    ("Novak", "Petra"),
)
