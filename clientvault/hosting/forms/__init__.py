"""Hosting's forms: the customer area's (``area_*``) and the back office's."""
