"""``python -m healthbridge.cli``: the same as the ``healthbridge`` script."""

from healthbridge.cli.app import main

main()
