// The route as a diagram of its legs: the places in a row, joined by one line per leg, each line labelled with the
// leg's mode, conveyance and status. Drawn leg by leg from the shipment; styled by app.css (no inline styles).

import { s } from './dom.js';
import { list, t, value } from './i18n.js';
import { placeName } from './format.js';

const STEP = 210; // one leg's width
const MARGIN = 80;
const LINE = 64; // the y of the legs' line

/** The SVG of a shipment's route; its title says the same in words, for those who do not see it. */
export function routeDiagram(shipment) {
  const legs = shipment.legs;
  const width = 2 * MARGIN + STEP * legs.length;
  const places = [legs[0].from, ...legs.map((leg) => leg.to)];
  const words = legs.map((leg) => t('routeLeg', {
    from: placeName(leg.from) ?? leg.from, to: placeName(leg.to) ?? leg.to,
    mode: value(leg.mode), conveyance: leg.conveyanceId, status: value(leg.status),
  }));
  const active = shipment.status === 'BOOKED' || shipment.status === 'IN_TRANSIT';

  return s('svg', {
    class: 'route', viewBox: `0 0 ${width} 150`, width, height: 150, role: 'img', 'aria-labelledby': 'route-title',
  },
  s('title', { id: 'route-title' }, t('routeDescription', { id: shipment.shipmentId, legs: list(words) })),
  legs.map((leg, i) => {
    const x1 = MARGIN + STEP * i;
    const x2 = x1 + STEP;
    const middle = (x1 + x2) / 2;
    const current = active && i === shipment.currentLeg ? ' current' : '';
    return s('g', { class: `leg leg-${leg.status}${current}` },
      s('line', { x1: x1 + 12, y1: LINE, x2: x2 - 12, y2: LINE }),
      s('text', { x: middle, y: LINE - 30, class: 'mode' }, value(leg.mode)),
      s('text', { x: middle, y: LINE - 14, class: 'conveyance' }, leg.conveyanceId),
      s('text', { x: middle, y: LINE + 24, class: 'leg-status' }, value(leg.status)));
  }),
  places.map((code, i) => {
    const x = MARGIN + STEP * i;
    return s('g', { class: 'place' },
      s('circle', { cx: x, cy: LINE, r: 8 }),
      s('text', { x, y: LINE + 52, class: 'name' }, placeName(code) ?? code),
      s('text', { x, y: LINE + 70, class: 'code' }, code));
  }));
}
