from encounter_replay.cli import main

raise SystemExit(main())
