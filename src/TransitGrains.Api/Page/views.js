// What each view shows, built from the API's answers. Every string a partner or forwarder sent (ids, facility,
// reportedBy) goes in as text: see dom.js.

import { CONTAINER, STATUSES } from './contract.js';
import { facts, h, table } from './dom.js';
import { cause, t, value } from './i18n.js';
import { place, time } from './format.js';
import { routeDiagram } from './route.js';

export const links = {
  list: () => '#/',
  shipment: (id) => `#/shipments/${encodeURIComponent(id)}`,
  container: (number) => `#/containers/${encodeURIComponent(number)}`,
  conveyance: (mode, id) => `#/conveyances/${encodeURIComponent(mode.toLowerCase())}/${encodeURIComponent(id)}`,
};

/** Where a search for a shipment id or a container number leads. */
export function searchTarget(text) {
  const term = text.trim().toUpperCase();
  return CONTAINER.test(term) ? links.container(term) : links.shipment(term);
}

function badge(code) {
  return h('span', { class: `badge badge-${code}` }, value(code));
}

function heading(text) {
  return h('h1', { tabindex: -1 }, text);
}

export function signInView({ message, onSubmit }) {
  const error = message ? h('p', { class: 'error', id: 'sign-in-error', role: 'alert' }, message) : null;
  return h('section', { class: 'sign-in' },
    heading(t('signInTitle')),
    h('form', { onsubmit: onSubmit, novalidate: true },
      h('label', { for: 'api-key' }, t('apiKey')),
      h('input', {
        id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false',
        'aria-describedby': error ? 'api-key-hint sign-in-error' : 'api-key-hint', 'aria-invalid': error ? 'true' : null,
      }),
      h('p', { id: 'api-key-hint', class: 'hint' }, t('apiKeyHint')),
      error,
      h('button', { type: 'submit' }, t('signIn'))));
}

function searchForm(onSearch, initial) {
  return h('form', { class: 'search', role: 'search', onsubmit: onSearch },
    h('label', { for: 'search' }, t('search')),
    h('input', { id: 'search', name: 'search', type: 'search', value: initial ?? '', 'aria-describedby': 'search-hint', autocomplete: 'off', spellcheck: 'false' }),
    h('button', { type: 'submit' }, t('find')),
    h('p', { id: 'search-hint', class: 'hint' }, t('searchHint')));
}

function currentLeg(shipment) {
  const leg = shipment.legs[shipment.currentLeg];
  return [
    h('span', { class: 'leg-index' }, t('legOf', { n: shipment.currentLeg + 1, count: shipment.legs.length })), ' ',
    `${value(leg.mode)} ${leg.conveyanceId}: ${place(leg.from)} → ${place(leg.to)} `,
    badge(leg.status),
  ];
}

function eta(shipment) {
  return shipment.eta == null ? t('none') : [time(shipment.eta), ' ', h('span', { class: 'where' }, place(shipment.legs.at(-1).to))];
}

/**
 * The shipments list: a forwarder's own (or a container's), newest booking first, with the status filter, the search
 * and "show more" when the listing has another page.
 */
export function listView({ items, nextCursor, status, container, onSearch, onStatus, onMore }) {
  const title = container ? t('containerResults', { container }) : t('shipments');
  const filter = h('form', { class: 'filter', onsubmit: (e) => e.preventDefault() },
    h('label', { for: 'status-filter' }, t('status')),
    h('select', { id: 'status-filter', name: 'status', onchange: (e) => onStatus(e.target.value) },
      h('option', { value: '', selected: !status }, t('allStatuses')),
      STATUSES.map((code) => h('option', { value: code, selected: status === code }, value(code)))));

  const rows = items.map((shipment) => [
    h('a', { href: links.shipment(shipment.shipmentId), 'data-key': `shipment:${shipment.shipmentId}` }, shipment.shipmentId),
    badge(shipment.status),
    currentLeg(shipment),
    eta(shipment),
    badge(shipment.taxRefund.status),
    time(shipment.bookedAt),
  ]);

  return h('section', { class: 'list' },
    heading(title),
    searchForm(onSearch, container),
    container ? h('p', null, h('a', { href: links.list() }, t('allShipments'))) : null,
    filter,
    items.length === 0
      ? h('p', { class: 'empty' }, t('noShipments'))
      : table(title, [t('shipment'), t('status'), t('currentLeg'), t('eta'), t('taxRefund'), t('booked')], rows, { className: 'shipments', hideCaption: true }),
    nextCursor ? h('button', { type: 'button', class: 'more', 'data-key': 'more', onclick: onMore }, t('more')) : null);
}

export function notFoundView(message, onSearch) {
  return h('section', null, heading(message), searchForm(onSearch), h('p', null, h('a', { href: links.list() }, t('allShipments'))));
}

function legTimes(planned, estimated, actual) {
  const parts = [[t('planned'), planned], [t('estimated'), estimated], [t('actual'), actual]].filter(([, when]) => when != null);
  return parts.length === 0 ? t('none') : h('ul', { class: 'times' }, parts.map(([label, when]) => h('li', null, `${label}: `, time(when))));
}

function conveyanceLink(mode, id) {
  return h('a', { href: links.conveyance(mode, id), class: 'id', 'data-key': `conveyance:${mode}:${id}` }, id);
}

/** One shipment: its route, legs, containers, customs, tax refund with its triggers, ETA history and timeline. */
export function shipmentView(shipment, onSearch) {
  const refund = shipment.taxRefund;
  const legs = shipment.legs.map((leg, i) => [
    String(i + 1),
    [value(leg.mode), ' ', conveyanceLink(leg.mode, leg.conveyanceId), leg.transhippedTo.length > 0
      ? [' ', t('transhippedTo', { conveyances: leg.transhippedTo.join(', ') })] : null],
    place(leg.from),
    place(leg.to),
    badge(leg.status),
    legTimes(leg.plannedDeparture, leg.estimatedDeparture, leg.actualDeparture),
    legTimes(leg.plannedArrival, leg.estimatedArrival, leg.actualArrival),
  ]);
  const containers = shipment.containers.map((c) => [
    c.containerNumber,
    badge(c.status),
    place(c.location),
    c.conveyanceId && c.modeOfTransport ? conveyanceLink(c.modeOfTransport, c.conveyanceId) : t('none'),
  ]);
  const triggers = refund.triggers.map((trigger) => [
    value(trigger.kind),
    trigger.messageId,
    time(trigger.issuedAt),
    trigger.deliveredAt ? time(trigger.deliveredAt) : t('notDelivered'),
    trigger.reason ? value(trigger.reason) : t('none'),
  ]);
  const etaHistory = shipment.etaHistory.map((change) => [time(change.changedAt), time(change.eta), cause(change.causedBy)]);
  const timeline = (shipment.timeline ?? []).map((e) => [
    time(e.eventDateTime),
    [h('span', { class: 'code' }, e.eventCode), ' ', value(e.eventCode), e.classifier !== 'ACT' ? ` (${value(e.classifier)})` : null],
    place(e.location),
    e.facility ?? t('none'),
    e.conveyanceId && e.modeOfTransport ? [value(e.modeOfTransport), ' ', conveyanceLink(e.modeOfTransport, e.conveyanceId)] : t('none'),
    e.containerNumber ?? t('none'),
    e.reportedBy ?? t('none'),
  ]);

  return h('article', { class: 'shipment' },
    h('p', { class: 'back' }, h('a', { href: links.list() }, t('allShipments'))),
    heading(shipment.shipmentId),
    facts([
      [t('status'), badge(shipment.status)],
      [t('currentLeg'), currentLeg(shipment)],
      [t('eta'), eta(shipment)],
      [t('forwarder'), shipment.forwarder],
      [t('tradeMode'), value(shipment.tradeMode)],
      [t('booked'), time(shipment.bookedAt)],
      shipment.cancelledAt ? [t('cancelled'), time(shipment.cancelledAt)] : null,
    ].filter(Boolean)),
    h('section', { 'aria-labelledby': 'route-heading' },
      h('h2', { id: 'route-heading' }, t('route')),
      h('div', { class: 'scroll', 'data-label': t('route') }, routeDiagram(shipment)),
      table(t('legs'), ['#', t('conveyance'), t('from'), t('to'), t('status'), t('departure'), t('arrival')], legs)),
    h('section', { 'aria-labelledby': 'containers-heading' },
      h('h2', { id: 'containers-heading' }, t('containers')),
      table(t('containers'), [t('container'), t('status'), t('location'), t('conveyance')], containers, { hideCaption: true })),
    h('section', { 'aria-labelledby': 'customs-heading' },
      h('h2', { id: 'customs-heading' }, t('customs')),
      facts([
        [t('status'), badge(shipment.customs.status)],
        [t('location'), place(shipment.customs.location)],
        [t('releasedAt'), time(shipment.customs.releasedAt)],
      ])),
    h('section', { 'aria-labelledby': 'refund-heading' },
      h('h2', { id: 'refund-heading' }, t('taxRefund')),
      facts([
        [t('status'), badge(refund.status)],
        [t('departurePort'), place(refund.departurePort)],
        [t('exitPort'), place(refund.exitPort)],
        [t('deadline'), time(refund.deadline)],
      ]),
      triggers.length === 0
        ? h('p', { class: 'empty' }, t('noTriggers'))
        : table(t('triggers'), [t('kind'), t('messageId'), t('issuedAt'), t('deliveredAt'), t('reason')], triggers)),
    h('section', { 'aria-labelledby': 'eta-heading' },
      h('h2', { id: 'eta-heading' }, t('etaHistory')),
      table(t('etaHistory'), [t('changedAt'), t('eta'), t('causedBy')], etaHistory, { hideCaption: true })),
    h('section', { 'aria-labelledby': 'timeline-heading' },
      h('h2', { id: 'timeline-heading' }, t('timeline')),
      timeline.length === 0
        ? h('p', { class: 'empty' }, t('noEvents'))
        : table(t('timeline'), [t('time'), t('event'), t('location'), t('facility'), t('conveyance'), t('container'), t('reportedBy')], timeline, { hideCaption: true })),
    searchForm(onSearch));
}

/** A train, barge, vessel or truck: its status, calls, and the forwarder's containers aboard (its manifest). */
export function conveyanceView(conveyance) {
  const calls = conveyance.calls.map((call) => [time(call.eventDateTime), [h('span', { class: 'code' }, call.eventCode), ' ', value(call.eventCode)], place(call.location)]);
  return h('article', { class: 'conveyance' },
    h('p', { class: 'back' }, h('a', { href: links.list() }, t('allShipments'))),
    heading(`${value(conveyance.mode)} ${conveyance.conveyanceId}`),
    facts([
      [t('status'), badge(conveyance.status)],
      [t('lastLocation'), place(conveyance.lastLocation)],
      [t('lastEvent'), time(conveyance.lastEventDateTime)],
    ]),
    h('section', { 'aria-labelledby': 'aboard-heading' },
      h('h2', { id: 'aboard-heading' }, t('aboard')),
      conveyance.aboard.length === 0
        ? h('p', { class: 'empty' }, t('nothingAboard'))
        : h('ul', { class: 'manifest' }, conveyance.aboard.map((number) =>
          h('li', null, h('a', { href: links.container(number), 'data-key': `container:${number}` }, number))))),
    h('section', { 'aria-labelledby': 'calls-heading' },
      h('h2', { id: 'calls-heading' }, t('calls')),
      table(t('calls'), [t('time'), t('event'), t('location')], calls, { hideCaption: true })));
}
