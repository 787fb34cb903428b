"""The shipping labels service's HTTP endpoints, one module per area, joined here."""
from services.shipping_labels.http.cod_money import CodMoneyEndpoints
from services.shipping_labels.http.manifests import ManifestEndpoints
from services.shipping_labels.http.shipments import ShipmentEndpoints
from shared.web.standard import StandardEndpoints


class ShippingLabelsHttp(ShipmentEndpoints, ManifestEndpoints, CodMoneyEndpoints, StandardEndpoints):
    """Every endpoint of the service; ShippingLabelsService inherits it."""
