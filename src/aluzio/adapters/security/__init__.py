"""Password hashing, random tokens and the common-password list."""
