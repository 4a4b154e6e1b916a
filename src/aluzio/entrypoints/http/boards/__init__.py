"""Board routes: templates, an organization's boards, and each board by its id."""
