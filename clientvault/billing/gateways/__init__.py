"""Payment gateways: adapters behind one interface (:class:`.base.Gateway`)."""
