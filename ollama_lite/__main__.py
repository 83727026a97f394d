"""`python -m ollama_lite`: the `ollama-lite` command line."""

import sys

from ._cli import main

sys.exit(main())
