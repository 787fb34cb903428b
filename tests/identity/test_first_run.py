"""Issue #17 'First run': `tools.deploy` (what `make run` runs) makes the signing keys, the console's
API key and an administrator with a one-time password printed once; a second run makes nothing."""
import os
import re
import stat
import subprocess
import sys
import uuid
from contextlib import contextmanager

import eventlet
import requests
from selenium.webdriver.support.ui import WebDriverWait

from shared.messaging.broker_admin import ManagementApi
from shared.messaging.bus_users import suite_permissions

from services.web_console.app import Console
from services.web_console.settings import ConsoleSettings
from shared.config import ROOT, SERVICES
from shared.testing.identity import new_password
from shared.web.connections import serve
from tests.web_console.conftest import browser_session  # noqa: F401  (fixture: headless Chromium)

ADMIN_PASSWORD = re.compile(r"^    (\S{16})$", re.M)


def run(tool, env, *args):
    done = subprocess.run([sys.executable, "-m", tool, *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def snapshot(var):
    return {path.relative_to(var): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(var.rglob("*")) if path.is_file() and path.suffix not in (".db", ".db-wal", ".db-shm")}


@contextmanager
def fresh_checkout(rabbit_config, fresh_database_url, tmp_path):
    """(environment, var/) of a checkout nothing was deployed from yet: its own var/, databases, vhost and
    broker user names; the broker users deploy makes there are deleted afterwards."""
    var, prefix = tmp_path / "var", f"t{uuid.uuid4().hex[:10]}-"
    env = {"VAR_DIR": str(var), "AMQP_URI": rabbit_config["AMQP_URI"],   # the test's own vhost, never "/"
           "BUS_USER_PREFIX": prefix,                                     # users are the broker's, not the vhost's
           **{f"{name.upper()}_DATABASE_URL": fresh_database_url(name) for name in SERVICES}}
    try:
        yield env, var
    finally:
        admin = ManagementApi("http://guest:guest@127.0.0.1:15672/")
        for part in suite_permissions():
            admin.delete_user(prefix + part)


def deployed_identity(start_service, env, var):
    """Identity started as `make run` starts it after deploy: the keys deploy made."""
    keys = var / "keys"
    return start_service("identity", DATABASE_URL=env["IDENTITY_DATABASE_URL"],
                         AUTH_PRIVATE_KEY_FILE=str(keys / "token-signing.pem"),
                         AUTH_PUBLIC_KEY_FILE=str(keys / "token-signing.pub.pem"))


def test_deploy_prepares_a_first_run_once_and_the_printed_password_signs_in(rabbit_config, fresh_database_url,
                                                                           start_service, tmp_path):
    with fresh_checkout(rabbit_config, fresh_database_url, tmp_path) as (env, var):
        deploy_twice_and_sign_in(env, var, start_service)


def deploy_twice_and_sign_in(env, var, start_service):
    first = run("tools.deploy", env)
    keys, secrets = var / "keys", var / "secrets"
    assert "created the token-signing key pair" in first and "created the web console's API key" in first
    assert "created the web console's CSRF key" in first
    assert first.count("created the administrator account 'admin'") == 1
    assert "python -m tools.accounts reset-password admin" in first
    for private in (keys / "token-signing.pem", secrets / "console-api-key", secrets / "console-csrf-key"):
        assert stat.S_IMODE(private.stat().st_mode) == 0o600, private
    assert stat.S_IMODE(keys.stat().st_mode) == stat.S_IMODE(secrets.stat().st_mode) == 0o700
    one_time = ADMIN_PASSWORD.findall(first)
    assert len(one_time) == 1

    before = snapshot(var)
    second = run("tools.deploy", env)
    assert "created" not in second and one_time[0] not in second and "one-time password" not in second
    assert snapshot(var) == before                                  # no key, secret or file touched
    assert [line for line in first.splitlines() if "migrated" in line] == \
        [line for line in second.splitlines() if "migrated" in line]

    # The deployed pieces work together: identity with the new keys, the console's key, the printed password.
    identity = deployed_identity(start_service, env, var)
    console_key = (secrets / "console-api-key").read_text().strip()
    token = requests.post(identity.url("/tokens"), headers={"Authorization": f"ApiKey {console_key}"},
                          timeout=10).json()["token"]
    console = {"Authorization": f"Bearer {token}"}

    def sign_in(password):
        return requests.post(identity.url("/sessions"), headers=console, timeout=10,
                             json={"staff_id": "admin", "password": password, "address": "127.0.0.1"})

    signed = sign_in(one_time[0])
    assert signed.status_code == 201 and signed.json()["roles"] == ["admin"] and signed.json()["must_change_password"]

    reset = run("tools.accounts", env, "reset-password", "admin")
    again = ADMIN_PASSWORD.findall(reset)
    assert len(again) == 1 and again[0] != one_time[0]
    assert sign_in(one_time[0]).status_code == 401 and sign_in(again[0]).status_code == 201
    third = run("tools.deploy", env)
    assert "created" not in third   # an administrator exists: a redeploy never resets anyone


def test_the_accounts_tool_creates_lists_and_disables(rabbit_config, fresh_database_url, tmp_path):
    env = {"VAR_DIR": str(tmp_path), "IDENTITY_DATABASE_URL": fresh_database_url("identity")}
    made = run("tools.accounts", env, "create", "S1001", "--name", "王芳", "--roles", "agent,supervisor")
    assert ADMIN_PASSWORD.findall(made)
    run("tools.accounts", env, "disable", "S1001")
    listed = run("tools.accounts", env, "list")
    assert listed.splitlines() == ["S1001\t王芳\tagent,supervisor\tdisabled"]
    refused = subprocess.run([sys.executable, "-m", "tools.accounts", "create", "S1001", "--roles", "agent"],
                             cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "exists already" in refused.stderr


def test_the_printed_password_signs_in_at_the_console_and_is_changed_first(rabbit_config, fresh_database_url,
                                                                          start_service, tmp_path, browser_session):
    """The README's promise in the browser: deploy prints a password, the console signs `admin` in with
    it and asks for a new one before anything else; then the administrator's pages."""
    with fresh_checkout(rabbit_config, fresh_database_url, tmp_path) as (env, var):
        one_time = ADMIN_PASSWORD.findall(run("tools.deploy", env))[0]
        identity = deployed_identity(start_service, env, var)
        secrets = var / "secrets"   # what the console finds there after deploy, as `make run` starts it
        settings = ConsoleSettings(service_urls={"identity": identity.base_url},
                                   api_key_file=str(secrets / "console-api-key"),
                                   csrf_key_file=str(secrets / "console-csrf-key"))
        listener = eventlet.listen(("127.0.0.1", 0))
        server = eventlet.spawn(serve, listener, Console(settings), settings.http_limits, log_output=False)
        try:
            browser_session.base = "http://127.0.0.1:%d" % listener.getsockname()[1]
            first_sign_in(browser_session, one_time)
        finally:
            server.kill()
            listener.close()


def first_sign_in(browser, one_time):
    browser.sign_in_with("admin", one_time)
    WebDriverWait(browser.driver, 10).until(lambda driver: driver.current_url.endswith("/account/password"))
    assert "一次性密码" in browser.text("password-forced")
    password = new_password()
    browser.type("current_password", one_time)
    browser.type("new_password", password)
    browser.type("new_password_again", password)
    browser.submit("change-password")
    WebDriverWait(browser.driver, 10).until(lambda driver: driver.current_url.split("?")[0].endswith("/admin/accounts"))
    assert browser.text("ok") == "密码已修改。" and "admin" in browser.text("accounts")
    browser.screenshot("first_run_admin")
    browser.sign_in_with("admin", one_time)                  # used up
    assert "工号或密码错误。" in browser.wait_text("signin-problem", "错误")
    browser.sign_in_with("admin", password)
    WebDriverWait(browser.driver, 10).until(lambda driver: driver.current_url.endswith("/admin/accounts"))
