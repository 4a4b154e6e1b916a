from aluzio.entrypoints.cli import main

raise SystemExit(main())
