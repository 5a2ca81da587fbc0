from parlib.cli import main

raise SystemExit(main())
