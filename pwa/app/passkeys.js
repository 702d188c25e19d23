// Passkey ceremonies: the server makes and keeps the challenges, the browser signs them.
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';

import { apiFetch, setCsrfToken } from './api.js';

/** Register a passkey on this phone with the name and one-time code an officer gave. */
export async function registerPasskey(name, code, passkeyName) {
  const optionsJSON = await apiFetch('/api/auth/register/options', { method: 'POST', body: { name, code } });
  const credential = await startRegistration({ optionsJSON });
  return apiFetch('/api/auth/register/verify', { method: 'POST', body: { credential, name: passkeyName || null } });
}

/** Sign in with any passkey of this site; answers who signed in. `joinProof(challenge)` answers
 * this phone's signature of the same challenge: signed in so, the person joins this phone. */
export async function signIn(joinProof) {
  const optionsJSON = await apiFetch('/api/auth/login/options', { method: 'POST' });
  const credential = await startAuthentication({ optionsJSON });
  const device = joinProof ? await joinProof(optionsJSON.challenge) : undefined;
  const me = await apiFetch('/api/auth/login/verify', { method: 'POST', body: { credential, device } });
  setCsrfToken(me.csrf_token);
  return me;
}

/** Who is signed in on this device, or null. */
export async function whoAmI() {
  try {
    const me = await apiFetch('/api/auth/me');
    setCsrfToken(me.csrf_token);
    return me;
  } catch (error) {
    if (error.status === 401) return null;
    throw error;
  }
}

/** Sign out here. */
export async function signOut() {
  await apiFetch('/api/auth/logout', { method: 'POST' });
  setCsrfToken('');
}
