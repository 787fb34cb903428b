"""Pages register here: a URL rule, the methods, and the roles whose navigation they belong to."""
from dataclasses import dataclass

from werkzeug.routing import Map, Rule


@dataclass(frozen=True)
class Page:
    handler: object
    roles: frozenset   # empty: anyone signed in; None: anyone
    with_one_time_password: bool = False   # open before a one-time password is changed (the change itself)


class Routes:
    def __init__(self):
        self.rules, self.pages = [], {}

    def page(self, path, methods=("GET",), roles=(), public=False, with_one_time_password=False):
        def register(handler):
            endpoint = f"{handler.__module__}.{handler.__name__}"
            self.rules.append(Rule(path, endpoint=endpoint, methods=list(methods)))
            self.pages[endpoint] = Page(handler, None if public else frozenset(roles), with_one_time_password)
            return handler
        return register

    def url_map(self):
        return Map([rule.empty() for rule in self.rules], strict_slashes=False)


routes = Routes()
