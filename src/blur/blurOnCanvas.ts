/**
 * Blurs with the canvas `filter: blur(σpx)` (CSS blur has standard deviation σ). The filter
 * treats pixels outside the canvas as transparent, so edges would fade: the source is drawn into
 * a canvas padded by 3σ of its own repeated edge pixels first, which clamps them instead.
 */
export function blurOnCanvas(
  source: ImageBitmap | OffscreenCanvas,
  width: number,
  height: number,
  sigma: number,
): OffscreenCanvas {
  const pad = Math.ceil(3 * sigma);
  const padded = new OffscreenCanvas(width + 2 * pad, height + 2 * pad);
  const p = context2d(padded);
  p.imageSmoothingEnabled = false; // stretching one pixel row must repeat it, not interpolate
  p.drawImage(source, pad, pad);
  if (pad > 0) {
    p.drawImage(source, 0, 0, width, 1, pad, 0, width, pad);
    p.drawImage(source, 0, height - 1, width, 1, pad, pad + height, width, pad);
    const full = height + 2 * pad;
    p.drawImage(padded, pad, 0, 1, full, 0, 0, pad, full);
    p.drawImage(padded, pad + width - 1, 0, 1, full, pad + width, 0, pad, full);
  }
  const out = new OffscreenCanvas(width, height);
  const o = context2d(out);
  o.filter = `blur(${sigma}px)`;
  o.drawImage(padded, -pad, -pad);
  return out;
}

export function context2d(
  canvas: OffscreenCanvas,
  settings?: { willReadFrequently?: boolean },
): OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', settings);
  if (!ctx) throw new Error('OffscreenCanvas 2D context unavailable');
  return ctx;
}

let filterWorks: boolean | undefined;

/**
 * Whether the canvas `filter` really blurs. Safari ignores it and Firefox before 116 lacks it,
 * and `'filter' in ctx` is not proof, so this checks pixels: one white dot must spread.
 */
export function canvasFilterWorks(): boolean {
  if (filterWorks === undefined) filterWorks = probeCanvasFilter();
  return filterWorks;
}

function probeCanvasFilter(): boolean {
  if (typeof OffscreenCanvas !== 'function') return false;
  try {
    const canvas = new OffscreenCanvas(9, 9);
    const ctx = context2d(canvas, { willReadFrequently: true });
    const dot = new OffscreenCanvas(9, 9);
    const d = context2d(dot);
    d.fillStyle = '#fff';
    d.fillRect(4, 4, 1, 1);
    ctx.filter = 'blur(2px)';
    ctx.drawImage(dot, 0, 0);
    const data = ctx.getImageData(0, 0, 9, 9).data;
    const at = (x: number, y: number) => data[(y * 9 + x) * 4 + 3];
    return at(4, 4) < 255 && at(2, 4) > 0;
  } catch {
    return false;
  }
}
