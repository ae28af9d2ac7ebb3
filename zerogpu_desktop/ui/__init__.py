"""The window. Widgets talk only to the controller; the core never imports this package."""
