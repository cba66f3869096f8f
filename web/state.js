// state.js: what the UI holds in memory for one page load: the signed-in user, the search being
// worked on, and break-glass reasons an administrator gave. Nothing here is ever written to
// localStorage or sessionStorage (children's data must not outlive the tab).

export const state = {
  user: null,
  search: { q: '', status: '', risk_level: '', mine: false, page: 1, result: null },
  accessReasons: new Map(),   // case id -> reason text (admins only)
  receivesReferrals: false,   // GET /api/v1/referrals?box=inbox answers this user
};

export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

export const isAdmin = () => state.user && state.user.role === 'admin';
export const canCreateCases = () => state.user && ['caseworker', 'supervisor', 'screener'].includes(state.user.role);

// Headers for requests about one case: an admin's break-glass reason when one was given.
export function caseHeaders(id) {
  const reason = state.accessReasons.get(id);
  if (!reason) return {};
  // HTTP header values are bytes: the reason always travels percent-encoded (UTF-8); the server decodes it.
  return { 'X-Access-Reason': encodeURIComponent(reason) };
}
