// Building the page from data. Text, whatever it holds (a partner's facility, an id), becomes a text node and is never
// read as markup: there is no innerHTML here. Attributes are set one by one; handlers are functions, never strings.

const SVG = 'http://www.w3.org/2000/svg';

function build(element, props, children) {
  for (const [name, given] of Object.entries(props ?? {})) {
    if (given == null || given === false) {
      continue;
    }
    if (name.startsWith('on') && typeof given === 'function') {
      element.addEventListener(name.slice(2), given);
    } else {
      element.setAttribute(name, given === true ? '' : String(given));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: h('a', { href: '#/x', class: 'y' }, 'text', otherElement). */
export function h(tag, props, ...children) {
  return build(document.createElement(tag), props, children);
}

/** An SVG element, the same way. */
export function s(tag, props, ...children) {
  return build(document.createElementNS(SVG, tag), props, children);
}

/**
 * A table with a caption, column headers and one row of cells per item; the caption is for screen readers only where a
 * heading right above already says the same (hideCaption).
 */
export function table(caption, headers, rows, { className = null, hideCaption = false } = {}) {
  return h('div', { class: 'scroll', 'data-label': caption },
    h('table', { class: className },
      h('caption', { class: hideCaption ? 'visually-hidden' : null }, caption),
      h('thead', null, h('tr', null, headers.map((header) => h('th', { scope: 'col' }, header)))),
      h('tbody', null, rows.map((cells) => h('tr', null, cells.map((cell, i) =>
        i === 0 ? h('th', { scope: 'row' }, cell) : h('td', null, cell)))))));
}

/** A definition list of label/value pairs. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.map(([label, content]) => h('div', null, h('dt', null, label), h('dd', null, content))));
}

/**
 * A wide table or diagram scrolls inside its box on a narrow screen: then, and only then, the box is a labelled region
 * that takes the keyboard's focus, so it can be scrolled without a mouse.
 */
export function keyboardScrolling(root) {
  for (const box of root.querySelectorAll('.scroll')) {
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute('tabindex', '0');
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', box.dataset.label);
    } else {
      box.removeAttribute('tabindex');
      box.removeAttribute('role');
      box.removeAttribute('aria-label');
    }
  }
}
