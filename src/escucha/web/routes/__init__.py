"""The app's routers: one module per area. Browser routers check CSRF on every change."""
