"""What the single sign-on tests share: the role map, a person signing in, the network in between."""
import io
import json
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from services.identity.sso_rules import SsoRefused

# The test provider's groups (shared/testing/oidc_provider.py) as a department would map them.
ROLE_MAP = {"wh-reviewers": "reviewer", "cs-agents": "agent", "cs-supervisors": "supervisor"}


def signed_in(sso, provider, login, password=None):
    """(the query the provider sent back, what the server kept) for a person who signed in."""
    started = sso.start()
    return provider.sign_in(started.url, login, password or f"{login}-password"), started.kept


def refusal(call, *args):
    with pytest.raises(SsoRefused) as refused:
        call(*args)
    return refused.value


class Network(HTTPAdapter):
    """The network between the client and the provider: it notes every path asked for and, given
    `rewrite={path: edit}`, changes that path's JSON answer on the way."""

    def __init__(self, rewrite=None):
        super().__init__()
        self.rewrite, self.paths = rewrite or {}, []

    def send(self, request, **kwargs):
        path = urlsplit(request.url).path
        self.paths.append(path)
        response = super().send(request, **kwargs)
        if path not in self.rewrite or response.status_code != 200:
            return response
        changed = requests.Response()
        changed.status_code, changed.url, changed.request = 200, response.url, response.request
        changed.headers = requests.structures.CaseInsensitiveDict({"Content-Type": "application/json"})
        changed.raw = io.BytesIO(json.dumps(self.rewrite[path](response.json())).encode())
        return changed
