"""Board use cases: templates, creating, listing, renaming and deleting boards, and their
sections."""
