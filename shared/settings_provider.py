"""Nameko glue: a service's settings built once per container, the same object handed to every worker.

    settings = ServiceSettings(Settings)            # a dataclass: read with shared.settings.read_settings
    desk = ServiceSettings(ShippingDesk.from_config)  # or a callable taking the config, for what a
                                                      # dataclass can't say (files to load, adapters to build)
"""
import dataclasses

from nameko.extensions import DependencyProvider

from shared.settings import read_settings


class ServiceSettings(DependencyProvider):
    def __init__(self, build):
        self.build = build

    def setup(self):
        config = self.container.config
        self.settings = (read_settings(self.build, config) if dataclasses.is_dataclass(self.build)
                         else self.build(config))

    def get_dependency(self, worker_ctx):
        return self.settings
