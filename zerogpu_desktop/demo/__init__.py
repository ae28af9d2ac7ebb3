"""The offline demo: a small endpoint on loopback that speaks the API contract.

It lets someone without an account see the whole app work (answers, Markdown, the truncation
verdict, cancel). `answers` says what each demo model does; `server` serves them. Nothing is
imported here, so the window can name the demo models without loading an HTTP server.
"""
