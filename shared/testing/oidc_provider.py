"""A real OpenID Connect provider on loopback for the single sign-on tests: the npm package
`oidc-provider` (a certified implementation) run by tests/support/oidc_provider/server.mjs.

Nothing here reaches the network but the npm registry, once per checkout, for `npm ci`.
"""
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
import requests

from shared.config import ROOT
from shared.testing.polling import wait_for

PROVIDER_DIR = ROOT / "tests" / "support" / "oidc_provider"
STARTUP_TIMEOUT_SECONDS = 30
NPM_CI_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Account:
    """A person the provider knows: what they type and the claims it vouches for."""
    login: str
    password: str
    claims: dict


# Departments' groups as their provider names them; the client maps some of them to roles.
DEFAULT_ACCOUNTS = (
    Account("alice", "alice-password", {"preferred_username": "S1001", "name": "Alice Wang",
                                        "groups": ["wh-reviewers", "all-staff"]}),
    Account("bob", "bob-password", {"preferred_username": "S1002", "name": "Bob Li",
                                    "groups": ["cs-agents", "cs-supervisors"]}),
    Account("carol", "carol-password", {"preferred_username": "S1003", "name": "Carol Zhang",
                                        "groups": ["all-staff"]}),          # no group the client maps
    Account("dave", "dave-password", {"name": "Dave Chen", "groups": ["wh-reviewers"]}),  # no staff id
)


@dataclass(frozen=True)
class ProviderSetup:
    """What a test module asks of the provider (override the `oidc_provider_setup` fixture)."""
    accounts: tuple = DEFAULT_ACCOUNTS
    # Nothing listens there: a test driving the sign-in with requests stops at the redirect to it.
    redirect_uri: str = "http://127.0.0.1:9/sso/callback"
    claims_in_id_token: bool = True
    client_id: str = "back-office-console"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))


class RunningProvider:
    def __init__(self, issuer, setup, process):
        self.issuer, self.setup, self.process = issuer, setup, process

    def client_config(self, secret_dir, role_map, **overrides):
        """The identity service's OIDC_* config for this provider's client; its secret in a file."""
        secret_file = Path(secret_dir) / "oidc-client-secret"
        secret_file.write_text(self.setup.client_secret)
        secret_file.chmod(0o600)
        return {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": self.setup.client_id,
                "OIDC_CLIENT_SECRET_FILE": str(secret_file), "OIDC_REDIRECT_URI": self.setup.redirect_uri,
                "OIDC_ROLE_MAP": json.dumps(role_map), **overrides}

    def sign_in(self, authorization_url, login, password):
        """A person signing in with requests only: open the authorization URL, fill the provider's
        login form, follow its redirects. Returns the query the provider sends to the redirect URI."""
        with requests.Session() as browser:
            form_page = self._follow(browser, browser.get(authorization_url, allow_redirects=False, timeout=10))
            action = form_action(form_page.text, "login-form")
            answer = browser.post(urljoin(form_page.url, action), data={"login": login, "password": password},
                                  allow_redirects=False, timeout=10)
            return self._callback_query(self._follow(browser, answer))

    def cancel(self, authorization_url):
        """A person who presses Cancel on the provider's login page."""
        with requests.Session() as browser:
            form_page = self._follow(browser, browser.get(authorization_url, allow_redirects=False, timeout=10))
            answer = browser.post(urljoin(form_page.url, form_action(form_page.text, "abort-form")),
                                  allow_redirects=False, timeout=10)
            return self._callback_query(self._follow(browser, answer))

    def _follow(self, browser, response):
        """Follow the provider's redirects, stopping at the redirect URI (which is never opened)."""
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(self.setup.redirect_uri):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
        return response

    @staticmethod
    def _callback_query(landing):
        if not isinstance(landing, str):
            raise AssertionError(f"the provider answered {landing.status_code} instead of redirecting back: "
                                 f"{landing.text[:500]}")
        return dict(parse_qsl(urlsplit(landing).query))


def form_action(html, form_id):
    match = re.search(rf'<form id="{form_id}" method="post" action="([^"]+)"', html)
    if not match:
        raise AssertionError(f"no form {form_id} on the provider's page: {html[:500]}")
    return unescape(match.group(1))


def ensure_installed():
    """`npm ci` in the provider's folder when its node_modules is missing or older than the lock
    file (once per checkout: CI runs from a clean clone). Returns the seconds it took, or 0."""
    checkout = hashlib.sha256(bytes(PROVIDER_DIR)).hexdigest()[:12]
    lock_path = Path(tempfile.gettempdir()) / f"oidc-provider-npm-ci-{checkout}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # two test runs in one checkout install once
        if _installed():
            return 0
        npm = shutil.which("npm")
        if npm is None:
            raise AssertionError("node is installed but npm is not: apt-get install npm")
        started = time.monotonic()
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, capture_output=True,
                              text=True, timeout=NPM_CI_TIMEOUT_SECONDS)
        if done.returncode != 0:
            raise AssertionError(f"npm ci in {PROVIDER_DIR} failed:\n{done.stdout}\n{done.stderr}")
        return time.monotonic() - started


def _installed():
    marker = PROVIDER_DIR / "node_modules" / ".package-lock.json"   # written by npm ci
    return marker.exists() and marker.stat().st_mtime >= (PROVIDER_DIR / "package-lock.json").stat().st_mtime


@contextmanager
def running_oidc_provider(setup, workdir):
    """Start the provider on a free port of 127.0.0.1 with `setup`; yield a RunningProvider once its
    discovery document answers; stop it at the end, whatever happened."""
    node = shutil.which("node")
    if node is None:
        message = ("node is not installed: the single sign-on tests run a real OpenID provider on Node.js "
                   "(apt-get install nodejs npm)")
        if os.environ.get("CI"):
            pytest.fail(message)   # CI installs it (.ci/run): a skipped sign-in proves nothing
        pytest.skip(message)
    ensure_installed()
    settings_path = Path(workdir) / "oidc-provider.json"
    settings_path.write_text(json.dumps({
        "client": {"client_id": setup.client_id, "client_secret": setup.client_secret,
                   "redirect_uri": setup.redirect_uri},
        "accounts": [vars(account) for account in setup.accounts],
        "claims_in_id_token": setup.claims_in_id_token,
    }))
    issuer_path = Path(workdir) / "oidc-provider.issuer"
    log_path = Path(workdir) / "oidc-provider.log"
    with open(log_path, "wb") as log:
        # stdin stays open: the provider exits when it closes, so it dies with this process too
        process = subprocess.Popen([node, str(PROVIDER_DIR / "server.mjs"), str(settings_path), str(issuer_path)],
                                   cwd=PROVIDER_DIR, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
        try:
            issuer = wait_for(lambda: _announced_issuer(process, issuer_path, log_path),
                              timeout=STARTUP_TIMEOUT_SECONDS,
                              message=f"the OpenID provider did not listen ({log_path})")
            wait_for(lambda: _discovery_answers(issuer), timeout=STARTUP_TIMEOUT_SECONDS,
                     message=f"the OpenID provider's discovery document did not answer ({log_path})")
            yield RunningProvider(issuer, setup, process)
        finally:
            _stop(process)


def _announced_issuer(process, issuer_path, log_path):
    if issuer_path.exists():   # the script writes its issuer there once it listens
        return issuer_path.read_text()
    if process.poll() is not None:
        raise AssertionError(f"the OpenID provider exited with {process.returncode} before listening: "
                             f"{log_path.read_text()[-2000:]}")
    return None


def _discovery_answers(issuer):
    try:
        return requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).status_code == 200
    except requests.ConnectionError:
        return False


def _stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.stdin.close()
