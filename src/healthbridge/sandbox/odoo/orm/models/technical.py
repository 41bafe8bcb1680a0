"""``ir.*`` models and ``base.automation``: system parameters, the model catalogue, rules.

``ir.model`` and ``ir.model.fields`` rows are generated from the model classes when a
database is made, so a client can look up the field ids an automation rule needs
(``webhook_field_ids``, ``trigger_field_ids``) exactly as it would on a real server.
"""

from __future__ import annotations

from typing import Any

from healthbridge.sandbox.odoo.orm import fields
from healthbridge.sandbox.odoo.orm.model import BaseModel

FIELD_TYPES = [
    (kind, kind)
    for kind in (
        "binary",
        "boolean",
        "char",
        "date",
        "datetime",
        "float",
        "html",
        "integer",
        "json",
        "many2many",
        "many2one",
        "many2one_reference",
        "monetary",
        "one2many",
        "properties",
        "properties_definition",
        "reference",
        "selection",
        "text",
    )
]
TRIGGERS = [
    ("on_stage_set", "Stage is set to"),
    ("on_user_set", "User is set"),
    ("on_tag_set", "Tag is added"),
    ("on_state_set", "State is set to"),
    ("on_priority_set", "Priority is set to"),
    ("on_archive", "On archived"),
    ("on_unarchive", "On unarchived"),
    ("on_create_or_write", "On save"),
    ("on_create", "On creation"),
    ("on_write", "On update"),
    ("on_unlink", "On deletion"),
    ("on_change", "On UI change"),
    ("on_time", "Based on date field"),
    ("on_time_created", "After creation"),
    ("on_time_updated", "After last update"),
    ("on_message_received", "On incoming message"),
    ("on_message_sent", "On outgoing message"),
    ("on_webhook", "On webhook"),
]
ACTION_STATES = [
    ("object_write", "Update Record"),
    ("object_create", "Create Record"),
    ("object_copy", "Duplicate Record"),
    ("code", "Execute Code"),
    ("webhook", "Send Webhook Notification"),
    ("multi", "Execute Existing Actions"),
]


def _model_names(records: BaseModel, field: str) -> dict[int, Any]:
    models = records.env.store.tables["ir.model"].rows
    rows = records._rows
    return {
        i: models[rows[i][field]]["model"] if rows[i][field] in models else None
        for i in records.ids
    }


class IrConfigParameter(BaseModel):
    _name = "ir.config_parameter"
    _description = "System Parameter"
    _order = "key"
    _rec_name = "key"

    key = fields.Char("Key", required=True)
    value = fields.Text("Value", required=True)


class IrModel(BaseModel):
    _name = "ir.model"
    _description = "Models"
    _order = "model"
    _rec_names_search = ("name", "model")

    name = fields.Char("Model Description", required=True)
    model = fields.Char("Model", required=True)
    info = fields.Text("Information")
    state = fields.Selection(
        [("manual", "Custom Object"), ("base", "Base Object")], "Type", default="manual"
    )
    transient = fields.Boolean("Transient Model")
    field_id = fields.One2many("ir.model.fields", "model_id", "Fields")


class IrModelFields(BaseModel):
    _name = "ir.model.fields"
    _description = "Fields"
    _order = "name"
    _rec_name = "field_description"
    _rec_names_search = ("name", "field_description")

    name = fields.Char("Field Name", required=True)
    field_description = fields.Char("Field Label", required=True)
    model = fields.Char("Model Name", required=True)
    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade")
    ttype = fields.Selection(FIELD_TYPES, "Field Type", required=True)
    relation = fields.Char("Related Model")
    relation_field = fields.Char("Relation Field")
    required = fields.Boolean("Required")
    readonly = fields.Boolean("Readonly")
    store = fields.Boolean("Stored", default=True)
    help = fields.Text("Field Help")
    state = fields.Selection(
        [("manual", "Custom Field"), ("base", "Base Field")], "Type", default="manual"
    )

    def _compute_display_name(self) -> dict[int, Any]:
        rows = self._rows
        return {i: f"{rows[i]['field_description']} ({rows[i]['model']})" for i in self.ids}


class IrActionsServer(BaseModel):
    _name = "ir.actions.server"
    _description = "Server Actions"
    _order = "sequence,name"

    name = fields.Char("Action Name", required=True)
    type = fields.Char("Action Type", default="ir.actions.server")
    usage = fields.Selection(
        [
            ("ir_actions_server", "Server Action"),
            ("ir_cron", "Scheduled Action"),
            ("base_automation", "Automation Rule"),
        ],
        "Usage",
        default="ir_actions_server",
        required=True,
    )
    state = fields.Selection(ACTION_STATES, "Type", default="object_write", required=True)
    sequence = fields.Integer("Sequence", default=5)
    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade")
    model_name = fields.Char("Model Name", compute="_compute_model_name", store=True)
    webhook_url = fields.Char("Webhook URL", help="URL to send the POST request to.")
    webhook_field_ids = fields.Many2many("ir.model.fields", "Webhook Fields")
    code = fields.Text("Python Code")
    base_automation_id = fields.Many2one("base.automation", "Automation Rule", ondelete="cascade")

    def _compute_model_name(self) -> dict[int, Any]:
        return _model_names(self, "model_id")


class BaseAutomation(BaseModel):
    _name = "base.automation"
    _description = "Automation Rule"

    name = fields.Char("Automation Rule Name", required=True)
    description = fields.Html("Description")
    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade")
    model_name = fields.Char("Model Name", compute="_compute_model_name", store=True)
    trigger = fields.Selection(TRIGGERS, "Trigger", required=True)
    trigger_field_ids = fields.Many2many("ir.model.fields", "Trigger Fields")
    action_server_ids = fields.One2many("ir.actions.server", "base_automation_id", "Actions")
    filter_pre_domain = fields.Char("Before Update Domain")
    filter_domain = fields.Char("Apply on")
    last_run = fields.Datetime("Last Run", readonly=True)
    active = fields.Boolean("Active", default=True)

    def _compute_model_name(self) -> dict[int, Any]:
        return _model_names(self, "model_id")
