// dom.js: tiny DOM helpers for Haven's UI. Every piece of text goes in through textContent or
// attributes, never through innerHTML, so data from the server cannot inject markup.

const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'readOnly', 'required', 'hidden', 'open']);

// h('div', {class: 'x', onclick: fn}, child, [children], 'text') -> HTMLElement
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  const late = [];
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (PROPS.has(k)) late.push([k, v]);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  add(el, children);
  for (const [k, v] of late) el[k] = v;
  return el;
}

export function add(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) add(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let uid = 0;
export function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}
