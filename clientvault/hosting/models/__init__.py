from clientvault.hosting.models.calls import (
    OPEN_CALL_STATUSES,
    CallAction,
    CallStatus,
    CallTarget,
    RemoteCall,
)
from clientvault.hosting.models.catalogue import HostingPlan, Product, ProductKind
from clientvault.hosting.models.domains import (
    DOMAIN_TRANSITIONS,
    HELD_STATUSES,
    ContactRole,
    Domain,
    DomainAction,
    DomainContact,
    DomainEvent,
    DomainEventKind,
    DomainStatus,
)
from clientvault.hosting.models.orders import ORDER_TRANSITIONS, Order, OrderStatus
from clientvault.hosting.models.services import (
    LIVE_STATUSES,
    SERVICE_TRANSITIONS,
    Service,
    ServiceStatus,
    ServiceStatusChange,
    StatusReason,
)

__all__ = [
    "DOMAIN_TRANSITIONS",
    "HELD_STATUSES",
    "LIVE_STATUSES",
    "OPEN_CALL_STATUSES",
    "ORDER_TRANSITIONS",
    "SERVICE_TRANSITIONS",
    "CallAction",
    "CallStatus",
    "CallTarget",
    "ContactRole",
    "Domain",
    "DomainAction",
    "DomainContact",
    "DomainEvent",
    "DomainEventKind",
    "DomainStatus",
    "HostingPlan",
    "Order",
    "OrderStatus",
    "Product",
    "ProductKind",
    "RemoteCall",
    "Service",
    "ServiceStatus",
    "ServiceStatusChange",
    "StatusReason",
]
