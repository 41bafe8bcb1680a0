"""Staff: departments and employees (clinicians and supply staff; no clinical data)."""

from __future__ import annotations

from typing import Any

from healthbridge.sandbox.odoo.orm import fields
from healthbridge.sandbox.odoo.orm.hierarchy import check_recursion, path_names
from healthbridge.sandbox.odoo.orm.model import BaseModel


class HrDepartment(BaseModel):
    _name = "hr.department"
    _description = "Department"
    _order = "name"
    _rec_name = "complete_name"
    _recursion_message = "You cannot create recursive departments."

    name = fields.Char("Department Name", required=True)
    complete_name = fields.Char("Complete Name", compute="_compute_complete_name", store=True)
    parent_id = fields.Many2one("hr.department", "Parent Department")
    manager_id = fields.Many2one("hr.employee", "Manager")
    company_id = fields.Many2one("res.company", "Company", default=1)
    active = fields.Boolean("Active", default=True)

    def _compute_complete_name(self) -> dict[int, Any]:
        return path_names(self, "name", " / ")

    def _check_constraints(self, names: set[str]) -> None:
        if "parent_id" in names:
            check_recursion(self, "parent_id")


class HrEmployee(BaseModel):
    _name = "hr.employee"
    _description = "Employee"
    _order = "name"
    _rec_names_search = ("name", "work_email")
    _recursion_message = "You cannot create recursive hierarchy."

    name = fields.Char("Employee Name", required=True)
    job_title = fields.Char("Job Title")
    work_email = fields.Char("Work Email")
    work_phone = fields.Char("Work Phone")
    mobile_phone = fields.Char("Work Mobile")
    department_id = fields.Many2one("hr.department", "Department")
    parent_id = fields.Many2one("hr.employee", "Manager")
    user_id = fields.Many2one("res.users", "User")
    work_location_name = fields.Char("Work Location")
    barcode = fields.Char("Badge ID")
    employee_type = fields.Selection(
        [
            ("employee", "Employee"),
            ("worker", "Worker"),
            ("student", "Student"),
            ("trainee", "Trainee"),
            ("contractor", "Contractor"),
            ("freelance", "Freelancer"),
        ],
        "Employee Type",
        default="employee",
        required=True,
    )
    company_id = fields.Many2one("res.company", "Company", default=1)
    active = fields.Boolean("Active", default=True)

    def _check_constraints(self, names: set[str]) -> None:
        if "parent_id" in names:
            check_recursion(self, "parent_id")
