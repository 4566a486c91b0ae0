// The forwarder page: signs in with a forwarder key, then shows the view the address names (#/ the shipments,
// #/shipments/ID one shipment, #/containers/NUMBER a container's shipments, #/conveyances/MODE/ID a conveyance) and
// keeps it current by asking the API again every few seconds while the tab is visible.

import { api, ApiError, get, session } from './api.js';
import { MAX_PAGE, PAGE } from './contract.js';
import { keyboardScrolling } from './dom.js';
import { knowPlaces } from './format.js';
import { language, locale, t } from './i18n.js';
import { conveyanceView, links, listView, notFoundView, searchTarget, shipmentView, signInView } from './views.js';

const REFRESH_SECONDS = 10;

const main = document.getElementById('main');
const status = document.getElementById('status');
const signOutButton = document.getElementById('sign-out');

let placesKnown = false;
let shown = null; // what the view shows, as JSON: a refresh that brings nothing new changes nothing on the page
let list = null; // the shipments the list view shows, with the cursor of the page after them
let refreshing = false;

/** The view the address names, with its parameters. */
function target() {
  const [path, query] = window.location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const statusFilter = new URLSearchParams(query ?? '').get('status') ?? '';
  switch (parts[0]) {
    case 'shipments': return { view: 'shipment', id: parts[1] ?? '' };
    case 'containers': return { view: 'list', container: parts[1] ?? '', status: statusFilter };
    case 'conveyances': return { view: 'conveyance', mode: parts[1] ?? '', id: parts[2] ?? '' };
    default: return { view: 'list', container: null, status: statusFilter };
  }
}

function search(event) {
  event.preventDefault();
  const text = new FormData(event.target).get('search') ?? '';
  if (text.trim()) {
    go(searchTarget(text));
  }
}

function go(hash) {
  if (window.location.hash === hash) {
    show({ navigated: true });
  } else {
    window.location.hash = hash; // hashchange shows it
  }
}

function listHash(where, statusFilter) {
  const base = where.container ? links.container(where.container) : links.list();
  return statusFilter ? `${base}?status=${encodeURIComponent(statusFilter)}` : base;
}

function listQuery(where, limit) {
  const query = { limit: String(limit) };
  if (where.status) {
    query.status = where.status;
  }
  if (where.container) {
    query.container = where.container;
  }
  return query;
}

function renderList(where) {
  return listView({
    ...list,
    status: where.status,
    container: where.container,
    onSearch: search,
    onStatus: (chosen) => go(listHash(where, chosen)),
    onMore: () => more(where),
  });
}

async function more(where) {
  const next = await attempt(() => api.shipments({ ...listQuery(where, PAGE), cursor: list.nextCursor }));
  if (!next) {
    return;
  }
  const first = list.items.length;
  list = { items: [...list.items, ...next.items], nextCursor: next.nextCursor };
  shown = JSON.stringify(list);
  replace(renderList(where));
  // The first shipment just added, so a keyboard user goes on where the list grew.
  main.querySelectorAll('table.shipments tbody a')[first]?.focus();
}

/** Fetches what the view shows and builds it: { data, node, title }. */
async function build(where, navigated) {
  switch (where.view) {
    case 'shipment': {
      const shipment = await api.shipment(where.id);
      return { data: shipment, title: shipment.shipmentId, node: () => shipmentView(shipment, search) };
    }
    case 'conveyance': {
      const conveyance = await api.conveyance(where.mode, where.id);
      return { data: conveyance, title: conveyance.conveyanceId, node: () => conveyanceView(conveyance) };
    }
    default: {
      // A refresh asks for as many as are shown (up to the largest page); a new view starts with one page.
      const size = navigated || !list ? PAGE : Math.min(MAX_PAGE, Math.max(PAGE, list.items.length));
      const page = await api.shipments(listQuery(where, size));
      return {
        data: page,
        title: where.container ? t('containerResults', { container: where.container }) : t('shipments'),
        node: () => {
          list = page;
          return renderList(where);
        },
      };
    }
  }
}

/** Shows the view the address names: at once after a navigation, and on a refresh only when something changed. */
async function show({ navigated }) {
  if (!session.key) {
    showSignIn(null);
    return;
  }
  const where = target();
  if (navigated) {
    list = null;
  }
  let built;
  try {
    built = await build(where, navigated);
  } catch (error) {
    handle(error, where, navigated);
    return;
  }
  const text = JSON.stringify(built.data);
  if (!navigated && text === shown) {
    return;
  }
  shown = text;
  document.title = `${built.title} · ${t('appName')}`;
  replace(built.node(), navigated);
  if (!navigated) {
    status.textContent = t('updated', { time: new Date().toLocaleTimeString(locale, { hourCycle: 'h23' }) });
  }
}

/** Puts a view in place. After a navigation the focus goes to its heading; on a refresh it stays where it was. */
function replace(node, navigated = false) {
  const focusKey = document.activeElement?.dataset?.key;
  main.replaceChildren(node);
  keyboardScrolling(main);
  updateLanguageLinks();
  if (navigated) {
    main.querySelector('h1')?.focus();
  } else if (focusKey) {
    main.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
  }
}

function handle(error, where, navigated) {
  if (!(error instanceof ApiError)) {
    status.textContent = t('unreachable');
    return;
  }
  switch (error.status) {
    case 401:
      signOut(t('signedOut'));
      break;
    case 404:
      shown = null;
      replace(notFoundView(where.view === 'conveyance'
        ? t('conveyanceNotFound', { mode: where.mode, id: where.id })
        : t('notFound', { id: where.id }), search), navigated);
      break;
    case 429:
      status.textContent = t('tooMany', { seconds: error.retryAfter || 1 });
      break;
    default:
      status.textContent = error.message;
  }
}

/** Runs a call; on failure says why (as a refresh would) and answers null. */
async function attempt(call) {
  try {
    return await call();
  } catch (error) {
    handle(error, target(), false);
    return null;
  }
}

function showSignIn(message) {
  signOutButton.hidden = true;
  document.title = `${t('signIn')} · ${t('appName')}`;
  main.replaceChildren(signInView({ message, onSubmit: signIn }));
  updateLanguageLinks();
  main.querySelector('#api-key').focus();
}

async function signIn(event) {
  event.preventDefault();
  const key = (new FormData(event.target).get('apiKey') ?? '').trim();
  if (!key) {
    showSignIn(t('enterKey'));
    return;
  }
  try {
    await get('/api/v1/shipments?limit=1', key);
  } catch (error) {
    const reasons = { 401: 'unknownKey', 403: 'notForwarderKey' };
    showSignIn(error instanceof ApiError && error.status === 429
      ? t('tooMany', { seconds: error.retryAfter || 1 })
      : t(error instanceof ApiError ? reasons[error.status] ?? 'unreachable' : 'unreachable'));
    return;
  }
  session.key = key;
  signOutButton.hidden = false;
  await learnPlaces();
  show({ navigated: true });
}

function signOut(message) {
  session.key = null;
  shown = null;
  list = null;
  status.textContent = '';
  showSignIn(message);
}

/** Place names for the codes the service knows; without them the page shows codes alone. */
async function learnPlaces() {
  if (!placesKnown) {
    try {
      knowPlaces((await api.locations()).items);
      placesKnown = true;
    } catch {
      // names are a help, not a need: the next view tries again
    }
  }
}

/** The language links keep the view: only ?lang= changes. */
function updateLanguageLinks() {
  for (const link of document.querySelectorAll('[data-lang]')) {
    link.setAttribute('href', `?lang=${link.dataset.lang}${window.location.hash}`);
    if (link.dataset.lang === language) {
      link.setAttribute('aria-current', 'true');
    }
  }
}

function start() {
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll('[data-text]')) {
    element.textContent = t(element.dataset.text);
  }
  for (const element of document.querySelectorAll('[data-aria-label]')) {
    element.setAttribute('aria-label', t(element.dataset.ariaLabel));
  }
  document.querySelector('.skip').addEventListener('click', (event) => {
    event.preventDefault(); // the address names the view: the skip link only moves the focus
    main.focus();
  });
  signOutButton.addEventListener('click', () => signOut(null));
  window.addEventListener('hashchange', () => show({ navigated: true }));

  window.setInterval(async () => {
    const typing = main.contains(document.activeElement) && document.activeElement.matches('input, select');
    if (refreshing || document.hidden || !session.key || typing) {
      return;
    }
    refreshing = true;
    try {
      await show({ navigated: false });
    } finally {
      refreshing = false;
    }
  }, REFRESH_SECONDS * 1000);

  if (session.key) {
    signOutButton.hidden = false;
    learnPlaces().then(() => show({ navigated: true }));
  } else {
    showSignIn(null);
  }
}

start();
