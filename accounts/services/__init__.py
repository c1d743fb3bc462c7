"""Writes of the accounts app, one module per sub-domain. Every function takes the acting
party and writes its audit event in the same transaction as the change."""
