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
  // 2. chart labels: outside their figure, on top of each other, or over the bars
  for (const svg of document.querySelectorAll('svg.svg-figure, .bqplot svg')) {
    if (!visible(svg)) continue;
    const box = svg.getBoundingClientRect();
    const ticks = [...svg.querySelectorAll('.tick text, .axislabel, .legendtext, .legend text')].filter(t => t.textContent.trim() && visible(t));
    const rects = ticks.map(t => t.getBoundingClientRect());
    ticks.forEach((t, i) => {
      const r = rects[i];
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.push(`outside its chart: ${t.textContent.trim()}`);
      for (let j = 0; j < i; j++) if (overlap(r, rects[j])) out.push(`labels overlap: ${t.textContent.trim()} / ${ticks[j].textContent.trim()}`);
    });
    const bars = [...svg.querySelectorAll('.mark rect, .bar')].filter(visible).map(b => b.getBoundingClientRect());
    ticks.forEach((t, i) => { if (bars.some(b => overlap(rects[i], b))) out.push(`label over a bar: ${t.textContent.trim()}`); });
  }
  return [...new Set(out)];
}
