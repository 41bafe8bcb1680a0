"""``python -m healthbridge.sandbox.supplier``: run the supplier sandbox until SIGTERM."""

from healthbridge.sandbox.supplier.server import main

raise SystemExit(main())
