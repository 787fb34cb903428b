"""Who may call what."""
from shared.web import Role

READERS = [Role.SHIPPER, Role.WAREHOUSE, Role.AGENT, Role.SUPERVISOR, Role.MANAGER]
# The packer prints the label the moment the parcel is packed (issue 19): reads a shipment and its documents.
LABEL_READERS = READERS + [Role.PACKER]
PRINTERS = [Role.SHIPPER, Role.WAREHOUSE, Role.SUPERVISOR, Role.MANAGER]
OPERATORS = [Role.WAREHOUSE, Role.SUPERVISOR, Role.MANAGER]
# COD money (回款): no finance role exists; the supervisor decides on money (refunds) and the manager is over
# all. Shippers and the warehouse hand parcels to the very couriers whose payments are checked: they don't
# certify them (the separation of duties after-sales keeps for refunds).
COD_MONEY = [Role.SUPERVISOR, Role.MANAGER]
