"""`a2icond lsp`: the language server, and the editor features it serves.

Everything here hangs off the compiler, lint, formatter and parser (no second parser). The
feature modules (`document`, `completion`, `hover`, `navigation`, `actions`, `highlight`) are plain
Python over lsprotocol types, testable in process; `server` wires them to pygls. Nothing outside
`a2icond.lsp` and `a2icond.commands.lsp` imports this package, so pygls stays off the
`a2icond check` start-up path.
"""
