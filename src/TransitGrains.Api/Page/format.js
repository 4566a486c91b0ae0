// Times and places as a person reads them. The service already answers every time that belongs to a place in that
// place's own zone (Shunde +08:00, Rotterdam +01:00 in winter, Moscow +03:00): the page shows that wall-clock time as
// it is, with its offset, and never converts it to the browser's zone. Times the service stamps itself are UTC.

import { h } from './dom.js';
import { language, locale, t } from './i18n.js';

const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

// The wall clock's fields are formatted as if they were UTC: that prints them unchanged, in the page's language.
const wallClock = new Intl.DateTimeFormat(locale, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC',
});

let places = new Map();

/** The places the service knows (GET /api/v1/locations): their names in the page's language. */
export function knowPlaces(items) {
  places = new Map(items.map((place) => [place.code, place.names[language] ?? place.names.en]));
}

/** A place's name, when the service knows it; else null. */
export function placeName(code) {
  return places.get(code) ?? null;
}

/** A place as its name and its code ("Nansha (CNNSA)"), or its code alone. */
export function place(code) {
  if (code == null) {
    return t('none');
  }
  const name = placeName(code);
  return name ? `${name} (${code})` : code;
}

/** A time as the service gave it, in its own offset: a <time> element, or a dash for none. */
export function time(text) {
  if (text == null) {
    return t('none');
  }
  const parts = TIME.exec(text);
  if (!parts) {
    return text;
  }
  const [, year, month, day, hour, minute, second, offset] = parts;
  const fields = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0));
  const zone = offset === 'Z' ? t('utc') : `${t('utc')}${offset}`;
  return h('time', { datetime: text }, `${wallClock.format(fields)} ${zone}`);
}
