// Building the page's elements. Text given here always becomes text nodes (textContent, append
// of strings), never markup: what users write is shown as written, <img onerror=...> included.

export function byId(id) {
  const found = document.getElementById(id);
  if (found === null) {
    throw new Error(`the page has no #${id}`);
  }
  return found;
}

/**
 * An element: props set attributes, except 'class', 'text' (its textContent) and 'on<event>'
 * handlers; children are elements or strings (added as text).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'class') {
      node.className = value;
    } else if (name === 'text') {
      node.textContent = value;
    } else if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** Fills an avatar: the name's first letter on a colour that the id picks, the same everywhere. */
export function paintAvatar(node, name, id) {
  node.textContent = (Array.from(name.trim())[0] ?? '?').toUpperCase();
  node.style.setProperty('--hue', String(hue(id)));
}

export function hue(id) {
  return (Number(id) * 137) % 360;
}

/** Shows one element of a set and hides the rest. */
export function showOnly(shown, ...others) {
  shown.hidden = false;
  others.forEach((other) => { other.hidden = true; });
}
