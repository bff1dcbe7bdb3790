"""clientvault: the customer-data system of a web host, with its privacy policy enforced in code."""
