"""``python -m healthbridge.sandbox.payer``: run the payer sandbox until SIGTERM."""

from healthbridge.sandbox.payer.server import main

raise SystemExit(main())
