"""The window: widgets over the run engine; the core never imports this package."""
