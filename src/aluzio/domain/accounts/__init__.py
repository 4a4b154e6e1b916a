"""Accounts: users, their email addresses and passwords, sign-in sessions and their limits."""
