"""Mail adapters: template rendering and delivery transports."""
