import sys

from hipnav.cli import main

sys.exit(main())
