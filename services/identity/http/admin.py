"""HTTP for administrators (a person's token acting as admin): accounts, their audit, machines' keys."""
from werkzeug.wrappers import Response

from services.identity import accounts, api_keys, audit, clock
from services.identity.schemas import NewAccountSchema, NewApiKeySchema, RolesSchema
from shared.web import Role, api

ADMIN = [Role.ADMIN]


class AccountEndpoints:

    @api("GET", "/accounts", roles=ADMIN, summary="every account")
    def list_accounts(self, request):
        with self.db.read() as session:
            return {"accounts": accounts.listing(session)}

    @api("POST", "/accounts", roles=ADMIN, body=NewAccountSchema,
         summary="a new account with a one-time password, shown once (changed at first sign-in)")
    def create_account(self, request, body):
        with self.db.unit_of_work() as uow:
            account, one_time = accounts.create(uow.session, body["staff_id"], body["name"], body["roles"],
                                                request.identity.staff_id, clock.now())
            return 201, {**accounts.view(account), "one_time_password": one_time}

    @api("PUT", "/accounts/<staff_id>/roles", roles=ADMIN, body=RolesSchema,
         summary="the account's roles (409 for the last enabled admin's admin role)")
    def set_roles(self, request, staff_id, body):
        return self._change(accounts.set_roles, request, staff_id, body["roles"])

    @api("POST", "/accounts/<staff_id>/disable", roles=ADMIN,
         summary="disable: every session of it ends now (409 for the last enabled admin)")
    def disable_account(self, request, staff_id):
        return self._change(accounts.disable, request, staff_id)

    @api("POST", "/accounts/<staff_id>/enable", roles=ADMIN, summary="enable a disabled account")
    def enable_account(self, request, staff_id):
        return self._change(accounts.enable, request, staff_id)

    @api("POST", "/accounts/<staff_id>/password-reset", roles=ADMIN,
         summary="a new one-time password, shown once; the account's sessions end and a lock lifts")
    def reset_password(self, request, staff_id):
        with self.db.unit_of_work() as uow:
            account, one_time = accounts.reset_password(uow.session, staff_id, request.identity.staff_id, clock.now())
            return {**accounts.view(account), "one_time_password": one_time}

    @api("GET", "/accounts/<staff_id>/audit", roles=ADMIN, summary="every change to the account, who and when")
    def account_audit(self, request, staff_id):
        with self.db.read() as session:
            accounts.get(session, staff_id)
            return {"staff_id": staff_id, "changes": audit.changes(session, staff_id)}

    def _change(self, change, request, staff_id, *args):
        with self.db.unit_of_work() as uow:
            return accounts.view(change(uow.session, staff_id, *args, request.identity.staff_id, clock.now()))


class MachineEndpoints:

    @api("GET", "/api-keys", roles=ADMIN, summary="machines' keys (never their secrets)")
    def list_api_keys(self, request):
        with self.db.read() as session:
            return {"api_keys": api_keys.listing(session)}

    @api("POST", "/api-keys", roles=ADMIN, body=NewApiKeySchema,
         summary="register a device's or a carrier's key: the key is in this answer only")
    def register_api_key(self, request, body):
        with self.db.unit_of_work() as uow:
            key, text = api_keys.register(uow.session, body["role"], body["subject"], body["label"],
                                          request.identity.staff_id, clock.now())
            return 201, {**api_keys.view(key), "key": text}

    @api("DELETE", "/api-keys/<key_id>", roles=ADMIN, summary="revoke a key: it buys no more tokens")
    def revoke_api_key(self, request, key_id):
        with self.db.unit_of_work() as uow:
            api_keys.revoke(uow.session, key_id, request.identity.staff_id, clock.now())
        return Response(status=204)
