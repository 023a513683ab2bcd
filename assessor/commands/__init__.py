"""One module per CLI command, each with `register(subparsers, lang)`; `cli` finds them."""
