"""Email: the SMTP URL, senders (SMTP, console), messages and the email channel.

Services queue rendered emails (`opsx_api/services/emails.py`) in the same
transaction as the change; `flask worker` delivers them through `channel.py`.
"""
