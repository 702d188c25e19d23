// Passkey ceremonies: the server makes and keeps the challenges, the browser signs them.
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';

import { apiFetch, setCsrfToken } from './api.js';
import { t } from './i18n.js';
import { errorText } from './ui.js';

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

/** Why a ceremony did not finish, in words a person can act on (the browser's own are English and
 * technical): the server's refusal, no network, cancelled or no passkey here, or a phone that cannot. */
export function ceremonyText(error, signingIn = false) {
  if (error.status || error instanceof TypeError) return errorText(error);
  if (error.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') {
    return t('这台手机上已有此账号的通行密钥：请直接点“登录”。', 'This phone has a passkey for this account already: tap Sign in.');
  }
  if (error.name === 'NotAllowedError' || error.name === 'AbortError') {
    return signingIn
      ? t('未登录：已取消或超时，或这台手机上还没有通行密钥（请用下面的“首次使用”）。',
        'Not signed in: cancelled or timed out, or this phone has no passkey yet (use "First time here" below).')
      : t('未完成：已取消或超时。请再点一次，按手机提示解锁（指纹、面容或锁屏密码）。',
        'Not done: cancelled or timed out. Tap again and unlock as the phone asks (fingerprint, face or screen lock).');
  }
  return t(`这台手机不能使用通行密钥（${error.name}）：请设置锁屏密码后再试，或换一台手机。`,
    `This phone cannot use a passkey (${error.name}): set a screen lock and try again, or use another phone.`);
}
