from oncall_policy.cli import main

raise SystemExit(main())
