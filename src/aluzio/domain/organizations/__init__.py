"""Organizations: the tenant boundary of boards, retros and cards."""
