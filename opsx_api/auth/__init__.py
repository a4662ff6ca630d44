"""Authentication: passwords, access/refresh tokens and who may call what."""
