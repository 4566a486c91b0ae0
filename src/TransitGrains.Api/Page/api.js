// Calls to the service's API with the forwarder's key, which is kept in this tab's sessionStorage only: gone when the
// tab closes, never written to a cookie or to localStorage, and sent only as X-Api-Key to this origin.

const KEY = 'transitgrains.apiKey';

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  set key(value) {
    if (value) {
      sessionStorage.setItem(KEY, value);
    } else {
      sessionStorage.removeItem(KEY);
    }
  },
};

/** An answer that was not 2xx: its status, its problem details when it sent some, and Retry-After (s) for a 429. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/** GET a path of the API as JSON; throws ApiError for an answer that is not 2xx, TypeError when the service is not reached. */
export async function get(path, key = session.key) {
  const response = await fetch(path, { headers: { 'X-Api-Key': key ?? '', Accept: 'application/json' }, cache: 'no-store' });
  const body = response.headers.get('Content-Type')?.includes('json') ? await response.json() : null;
  if (!response.ok) {
    throw new ApiError(response.status, body, Number(response.headers.get('Retry-After') ?? 0));
  }
  return body;
}

export const api = {
  shipments: (query) => get(`/api/v1/shipments?${new URLSearchParams(query)}`),
  shipment: (id) => get(`/api/v1/shipments/${encodeURIComponent(id)}`),
  conveyance: (mode, id) => get(`/api/v1/conveyances/${encodeURIComponent(mode)}/${encodeURIComponent(id)}`),
  locations: () => get('/api/v1/locations'),
};
