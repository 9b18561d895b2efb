"""`python -m sitegen` is the same as the `sitegen` console script."""

from sitegen.cli import main

raise SystemExit(main())
