"""Nameko glue: the shipping desk built once per container from its config."""
from nameko.extensions import DependencyProvider

from services.shipping_labels.desk import ShippingDesk


class Desk(DependencyProvider):
    def setup(self):
        self.desk = ShippingDesk.from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.desk
