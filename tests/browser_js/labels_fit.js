() => {
  const out = [];
  const visible = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const name = e => (e.className && e.className.baseVal !== undefined ? e.className.baseVal : e.className) || e.tagName;
  const textOf = e => (e.innerText || e.textContent || '').trim().slice(0, 40);
  // 1. text cut by its box: an element holding text, overflow hidden/clip or an ellipsis, and wider content
  for (const e of document.querySelectorAll('body *')) {
    if (!visible(e) || e.closest('svg')) continue;
    const hasText = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!hasText) continue;
    const s = getComputedStyle(e);
    const hides = ['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis';
    if (hides && e.scrollWidth > e.clientWidth + 1) out.push(`cut: ${textOf(e)} (${name(e)})`);
  }
  const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  // an SVG element's drawn outline: its own box's four corners on the screen (a rotated label stays a
  // rotated rectangle, not the larger upright box around it)
  const corners = e => {
    const b = e.getBBox(), m = e.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]].map(
      ([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  };
  // two convex outlines overlap when no edge of either separates them (by more than a pixel's shade)
  const meet = (p, q) => {
    for (const poly of [p, q]) for (let i = 0; i < 4; i++) {
      const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % 4];
      const len = Math.hypot(x2 - x1, y2 - y1) || 1, nx = (y1 - y2) / len, ny = (x2 - x1) / len;
      const proj = pts => pts.map(([x, y]) => x * nx + y * ny);
      const a = proj(p), b = proj(q);
      if (Math.max(...a) <= Math.min(...b) + 1 || Math.max(...b) <= Math.min(...a) + 1) return false;
    }
    return true;
  };
  // 2. chart labels: outside their figure, on top of each other, or over the bars
  for (const svg of document.querySelectorAll('svg.svg-figure, .bqplot svg')) {
    if (!visible(svg)) continue;
    const box = svg.getBoundingClientRect();
    const ticks = [...svg.querySelectorAll('.tick text, .axislabel, .legendtext, .legend text')].filter(t => t.textContent.trim() && visible(t));
    const shapes = ticks.map(corners);
    ticks.forEach((t, i) => {
      const r = t.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.push(`outside its chart: ${t.textContent.trim()}`);
      for (let j = 0; j < i; j++) if (meet(shapes[i], shapes[j])) out.push(`labels overlap: ${t.textContent.trim()} / ${ticks[j].textContent.trim()}`);
    });
    const bars = [...svg.querySelectorAll('.mark rect, .bar')].filter(visible).map(corners);
    ticks.forEach((t, i) => { if (bars.some(b => meet(shapes[i], b))) out.push(`label over a bar: ${t.textContent.trim()}`); });
  }
  return [...new Set(out)];
}
