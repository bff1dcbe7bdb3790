"""Breach response: incidents, their scope from the access and audit logs, the regulator's clock
and the notices to the people affected by e-mail, letter and telephone (SEC-4, SEC-5)."""
