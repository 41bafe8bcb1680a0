"""The FHIR R4 facade's use cases: read and search five types from Odoo, create SupplyRequest.

Every resource goes Odoo row -> canonical (mappings/odoo readers) -> FHIR JSON
(mappings/fhir writers); the FHIR logical id is the Odoo record id, carried as the
canonical ``urn:healthbridge:fhir:<type>`` identifier so the writer emits it as ``id``.
``meta.lastUpdated`` is the record's ``write_date``. A SupplyRequest becomes a draft
purchase order (Odoo's purchase request) through the supply order writer; its supplier
and item must name records Odoo has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from healthbridge.canonical.identifiers import GTIN_SYSTEM, Identifier, fhir_id_system
from healthbridge.canonical.orders import SupplyOrder, SupplyOrderLine
from healthbridge.canonical.references import Reference
from healthbridge.core.errors import InvalidRequestError, NotFoundError
from healthbridge.mappings.fhir import MappingError, canonical_from_fhir, canonical_to_fhir
from healthbridge.mappings.odoo import (
    FIELDS,
    PATIENT_TAG,
    OdooMappingError,
    OdooRelated,
    odoo_to_invoice,
    odoo_to_location,
    odoo_to_organization,
    odoo_to_patient,
    odoo_to_practitioner,
    odoo_to_supply_order,
)
from healthbridge.services.fhir_search import KeyDomain, SearchRequest, parse_search
from healthbridge.services.orders import SupplyOrders
from healthbridge.services.ports import Domain, OdooPort, Record

Reader = Callable[..., BaseModel]


@dataclass(frozen=True, slots=True)
class Served:
    """How one FHIR type is served from Odoo."""

    model: str
    base_domain: tuple[Any, ...]
    name_field: str
    key_fields: tuple[str, ...]
    reader: Reader
    lines: str | None = None


SERVED: Mapping[str, Served] = MappingProxyType(
    {
        "Organization": Served(
            "res.partner",
            (("is_company", "=", True),),
            "name",
            ("ref", "vat", "company_registry", "barcode"),
            odoo_to_organization,
        ),
        "Patient": Served(
            "res.partner",
            (("category_id.name", "=", PATIENT_TAG),),
            "name",
            ("ref",),
            odoo_to_patient,
        ),
        "Practitioner": Served("hr.employee", (), "name", ("barcode",), odoo_to_practitioner),
        "Location": Served(
            "stock.location",
            (("usage", "in", ["internal", "view"]),),
            "complete_name",
            ("barcode",),
            odoo_to_location,
        ),
        "Invoice": Served(
            "account.move",
            (("move_type", "in", ["out_invoice", "out_refund"]),),
            "name",
            ("name", "ref"),
            odoo_to_invoice,
            lines="account.move.line",
        ),
    }
)
"""The readable and searchable FHIR types, and the Odoo model each is served from."""


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of search results and how many match in all."""

    resources: list[dict[str, Any]]
    total: int
    count: int
    offset: int


@dataclass(frozen=True, slots=True)
class CreatedSupplyRequest:
    """The purchase request a SupplyRequest became; ``created`` False for a replay."""

    resource: dict[str, Any]
    created: bool


class FhirFacade:
    """FHIR reads, searches and the SupplyRequest create, over the Odoo port."""

    def __init__(self, odoo: OdooPort, orders: SupplyOrders) -> None:
        self._odoo = odoo
        self._orders = orders

    async def read(self, resource_type: str, logical_id: str) -> dict[str, Any]:
        """The resource with this id; NotFoundError when Odoo has none of this type."""
        served = SERVED[resource_type]
        if not logical_id.isdigit():
            raise NotFoundError(f"no {resource_type} has this id")
        domain: Domain = [*served.base_domain, ("id", "=", int(logical_id))]
        rows = await self._rows(served, domain, limit=1, offset=0)
        if not rows:
            raise NotFoundError(f"no {resource_type} has this id")
        [resource] = await self._resources(resource_type, served, rows)
        return resource

    async def search(self, resource_type: str, params: list[tuple[str, str]]) -> SearchPage:
        """A page of matches for the FHIR search ``params`` (only supported ones accepted)."""
        served = SERVED[resource_type]
        request: SearchRequest = parse_search(
            resource_type,
            params,
            name_field=served.name_field,
            key_domain=KeyDomain(served.model, served.key_fields),
        )
        domain: Domain = [*served.base_domain, *request.domain]
        total = await self._odoo.search_count(served.model, domain)
        rows = (
            await self._rows(served, domain, limit=request.count, offset=request.offset)
            if request.count
            else []
        )
        resources = await self._resources(resource_type, served, rows)
        return SearchPage(resources, total, request.count, request.offset)

    async def create_supply_request(self, payload: Any) -> CreatedSupplyRequest:
        """A draft purchase order for a FHIR SupplyRequest (found again by its identifier)."""
        if not isinstance(payload, Mapping) or payload.get("resourceType") != "SupplyRequest":
            raise InvalidRequestError("the body must be a FHIR SupplyRequest")
        try:
            inbound = canonical_from_fhir(payload)
        except MappingError as error:
            raise InvalidRequestError(
                f"{error.path}: {error.reason}", details={"path": error.path}
            ) from None
        [order] = [obj for obj in inbound.objects if isinstance(obj, SupplyOrder)]
        resolved = await self._resolve(order)
        try:
            order_id, created = await self._orders.draft(resolved)
        except OdooMappingError as error:
            raise InvalidRequestError(str(error)) from None
        return CreatedSupplyRequest(await self._supply_request(order_id), created)

    async def read_supply_request(self, logical_id: str) -> dict[str, Any]:
        """The SupplyRequest a create made (its purchase order); NotFoundError when none."""
        if not logical_id.isdigit():
            raise NotFoundError("no SupplyRequest has this id")
        found = await self._odoo.search_read(
            "purchase.order", [("id", "=", int(logical_id))], ["id"], limit=1
        )
        if not found:
            raise NotFoundError("no SupplyRequest has this id")
        return await self._supply_request(int(found[0]["id"]))

    async def _supply_request(self, order_id: int) -> dict[str, Any]:
        fields = [*FIELDS["purchase.order"], "write_date", "origin", "order_line"]
        [row] = await self._odoo.read("purchase.order", [order_id], fields)
        lines = await self._odoo.search_read(
            "purchase.order.line",
            [("order_id", "=", order_id)],
            list(FIELDS["purchase.order.line"]),
            order="sequence asc, id asc",
        )
        order = odoo_to_supply_order(row, related=OdooRelated(lines=lines))
        order = order.model_copy(
            update={"identifiers": (*order.identifiers, _logical("SupplyRequest", order_id))}
        )
        resource = canonical_to_fhir(order)
        return _with_meta(resource, row)

    async def _resolve(self, order: SupplyOrder) -> SupplyOrder:
        if not order.suppliers:
            raise InvalidRequestError(
                "SupplyRequest.supplier is required: Odoo orders from a vendor"
            )
        supplier = await self._partner(order.suppliers[0])
        lines = []
        for line in order.lines:
            product = await self._product(line)
            lines.append(line.model_copy(update={"product": product, "product_code": None}))
        return order.model_copy(update={"suppliers": (supplier,), "lines": tuple(lines)})

    async def _partner(self, reference: Reference) -> Reference:
        partner_id: int | None = None
        if reference.reference and reference.reference.startswith("Organization/"):
            tail = reference.reference.removeprefix("Organization/")
            partner_id = int(tail) if tail.isdigit() else None
        elif reference.identifier is not None and reference.identifier.value:
            domain = KeyDomain("res.partner", ())(
                reference.identifier.system, reference.identifier.value
            )
            rows = await self._odoo.search_read("res.partner", domain, ["id"], limit=1)
            partner_id = int(rows[0]["id"]) if rows else None
        if partner_id is None or not await self._odoo.search_count(
            "res.partner", [("id", "=", partner_id)]
        ):
            raise InvalidRequestError(
                "SupplyRequest.supplier must name an Organization this server serves"
            )
        return Reference(identifier=Identifier.odoo("res.partner", partner_id))

    async def _product(self, line: SupplyOrderLine) -> Reference:
        keys: list[str] = []
        if line.product is not None and line.product.identifier is not None:
            identifier = line.product.identifier
            if identifier.system == "urn:healthbridge:odoo:product.product" and identifier.value:
                return Reference(identifier=identifier)
            if identifier.value:
                keys.append(identifier.value)
        if line.product_code is not None:
            keys.extend(c.code for c in line.product_code.codings if c.code)
        for key in keys:
            rows = await self._odoo.search_read(
                "product.product",
                ["|", ("barcode", "=", key), ("default_code", "=", key)],
                ["id", "name"],
                limit=1,
            )
            if rows:
                return Reference(
                    identifier=Identifier.odoo("product.product", int(rows[0]["id"])),
                    display=str(rows[0].get("name") or ""),
                )
        raise InvalidRequestError(
            f"SupplyRequest.item must name a product by GTIN ({GTIN_SYSTEM}) or internal reference"
        )

    async def _rows(
        self, served: Served, domain: Domain, *, limit: int, offset: int
    ) -> list[Record]:
        return await self._odoo.search_read(
            served.model,
            domain,
            [*FIELDS[served.model], "write_date"],
            offset=offset,
            limit=limit,
            order="id asc",
        )

    async def _resources(
        self, resource_type: str, served: Served, rows: list[Record]
    ) -> list[dict[str, Any]]:
        related = await self._related(served, rows)
        out = []
        for row in rows:
            row_related = related
            if served.lines is not None:
                lines = [line for line in related.lines if _many2one(line, "move_id") == row["id"]]
                row_related = OdooRelated(
                    partner_tags=related.partner_tags,
                    company_currency=related.company_currency,
                    lines=lines,
                )
            obj = served.reader(row, related=row_related)
            identifiers = (*getattr(obj, "identifiers", ()), _logical(resource_type, row["id"]))
            obj = obj.model_copy(update={"identifiers": identifiers})
            out.append(_with_meta(canonical_to_fhir(obj), row))
        return out

    async def _related(self, served: Served, rows: list[Record]) -> OdooRelated:
        tags: dict[int, str] = {}
        lines: list[Record] = []
        if served.model == "res.partner":
            found = await self._odoo.search_read("res.partner.category", [], ["id", "name"])
            tags = {int(r["id"]): str(r["name"]) for r in found}
        if served.lines is not None and rows:
            lines = await self._odoo.search_read(
                served.lines,
                [("move_id", "in", [int(r["id"]) for r in rows])],
                list(FIELDS[served.lines]),
                order="sequence asc, id asc",
            )
        return OdooRelated(partner_tags=tags, lines=lines)


def _logical(resource_type: str, record_id: Any) -> Identifier:
    return Identifier(system=fhir_id_system(resource_type), value=str(record_id))


def _with_meta(resource: dict[str, Any], row: Record) -> dict[str, Any]:
    written = row.get("write_date")
    if isinstance(written, str) and written:
        moment = datetime.fromisoformat(written).replace(tzinfo=UTC)
        stamp = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        resource = {
            "resourceType": resource["resourceType"],
            **({"id": resource["id"]} if "id" in resource else {}),
            "meta": {"lastUpdated": stamp},
            **{k: v for k, v in resource.items() if k not in ("resourceType", "id")},
        }
    return resource


def _many2one(row: Mapping[str, Any], field: str) -> int | None:
    value = row.get(field)
    return int(value[0]) if isinstance(value, list) and value else None
