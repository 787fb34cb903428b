// A real OpenID Connect provider (the certified npm package `oidc-provider`) on loopback, for the
// single sign-on tests only: never deployed. Usage: node server.mjs <settings.json> <issuer file>
//
// settings.json (written by shared/testing/oidc_provider.py):
//   {"client": {"client_id", "client_secret", "redirect_uri"},
//    "accounts": [{"login", "password", "claims": {"preferred_username", "name", "groups", ...}}],
//    "claims_in_id_token": true}
//
// It listens on a free port of 127.0.0.1, then writes its issuer URL to <issuer file>.
// It exits when its standard input closes, so a test runner that dies takes it along.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = new Map(settings.accounts.map((account) => [account.login, account]));

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Self-contained pages: nothing in them loads from the network (the package's own pages import web fonts).
function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><h1>${escape(title)}</h1>${body}</body></html>`;
}

function loginPage(uid, clientId, error) {
  return page('Test identity provider: sign in', `
<p>Signing in to <code id="client">${escape(clientId)}</code></p>
${error ? `<p id="error">${escape(error)}</p>` : ''}
<form id="login-form" method="post" action="/interaction/${escape(uid)}/login">
  <label>Login <input id="login" name="login" autocomplete="username" autofocus></label>
  <label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label>
  <button id="sign-in" type="submit">Sign in</button>
</form>
<form id="abort-form" method="post" action="/interaction/${escape(uid)}/abort">
  <button id="cancel" type="submit">Cancel</button>
</form>`);
}

function send(res, status, html) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

async function formBody(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

// The person said yes to every scope and claim the client asked for: a department's own
// applications are approved by its IT, not by each person.
async function grantConsent(provider, details) {
  const { prompt: { details: missing }, params, session } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

async function interaction(provider, req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET' && !action) {
    if (details.prompt.name === 'consent') {
      const grantId = await grantConsent(provider, details);
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    return send(res, 200, loginPage(uid, details.params.client_id));
  }
  if (req.method === 'POST' && action === 'abort') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'The person cancelled the sign-in.',
    }, { mergeWithLastSubmission: false });
  }
  if (req.method === 'POST' && action === 'login') {
    const form = await formBody(req);
    const account = accounts.get(form.get('login'));
    if (!account || account.password !== form.get('password')) {
      return send(res, 200, loginPage(uid, details.params.client_id, 'Wrong login or password.'));
    }
    return provider.interactionFinished(req, res, { login: { accountId: account.login } },
      { mergeWithLastSubmission: false });
  }
  return send(res, 405, page('Not allowed', ''));
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const { client } = settings;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  const provider = new Provider(issuer, {
    clients: [{
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: [client.redirect_uri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    pkce: { required: () => true },
    scopes: ['openid'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
      roles: ['roles'],
    },
    // false: profile and group claims go in the ID token as most enterprise providers do; true (the
    // package's default): only in the userinfo answer, which the client must then ask for.
    conformIdTokenClaims: settings.claims_in_id_token === false,
    async findAccount(ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ ...account.claims, sub }) };
    },
    jwks: { keys: [{ ...signingKey, kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: true },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', Object.entries(out)
        .map(([key, value]) => `<p id="${escape(key)}">${escape(value)}</p>`).join(''));
    },
  });

  const callback = provider.callback();
  server.on('request', (req, res) => {
    const path = new URL(req.url, issuer).pathname;
    const match = path.match(/^\/interaction\/([\w-]+)(?:\/(login|abort))?$/);
    if (!match) return callback(req, res);
    interaction(provider, req, res, match[1], match[2]).catch((error) => {
      send(res, 400, page('Interaction refused', `<p id="error">${escape(error.message)}</p>`));
    });
    return undefined;
  });
  writeFileSync(`${process.argv[3]}.tmp`, issuer);
  renameSync(`${process.argv[3]}.tmp`, process.argv[3]);   // whole or absent, never half-written
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
