"""``python -m healthbridge.sandbox.odoo``: run the Odoo sandbox until SIGTERM or SIGINT."""

from healthbridge.sandbox.odoo.runner import main

raise SystemExit(main())
