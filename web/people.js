// people.js: how the UI names the people of a record (owner, author, proposer) and a user in a
// menu, and finds the colleagues a case may be given to (GET /api/v1/users).
import { get } from './api.js';
import { state } from './state.js';

// A person the server names on a record ({full_name, username}): their name, else username.
export const person = (p) => (p ? p.full_name || p.username || '' : '');

// A user in a menu: "Amal Haddad (caseworker2)".
export const userLabel = (u) => (u.full_name ? `${u.full_name} (${u.username})` : u.username);

// The enabled users who may hold cases (not administrators). Only those who may list users
// (supervisors) get an answer; any error is thrown.
export async function caseUsers() {
  return ((await get('/api/v1/users')).json.items || []).filter((u) => !u.disabled && u.role !== 'admin');
}

// The colleagues the user may hand a case to: case holders of agencyId (when given) other than
// the user and analysts. A user who may not list users (403: a caseworker) gets []; any other
// error is thrown.
export async function colleagues(agencyId) {
  try {
    return (await caseUsers())
      .filter((u) => u.role !== 'analyst' && (!agencyId || u.agency_id === agencyId) && u.id !== state.user.id);
  } catch (err) {
    if (err.status === 403) return [];
    throw err;
  }
}
