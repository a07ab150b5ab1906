// Generates all original artwork for Blur-O-Matic (see public/ATTRIBUTION.md).
//
//   node scripts/make-art.mjs
//
// Everything is drawn here, procedurally, in headless Chromium with <canvas>:
//   public/sample.jpg                     photo-like landscape (seeded, deterministic)
//   public/icons/icon.svg, favicon.svg    hand-written SVG app icon
//   public/icons/*.png                    PNG renders of the icon
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './launchChromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SEED = 0x5eed_b10b;
const SAMPLE = { width: 1800, height: 1200, quality: 0.9 };

// ---------------------------------------------------------------------------
// Icon: a water droplet holding a tiny sunset landscape; the left half is sharp,
// the right half is the same scene blurred. `fullBleed` fills the whole square
// (maskable / Apple touch icon); `scale` shrinks the artwork into the safe zone.
// ---------------------------------------------------------------------------
const DROP = 'M256 52C300 130 404 200 404 308A148 148 0 0 1 108 308C108 200 212 130 256 52Z';

function iconSvg({ fullBleed = false, scale = 1 } = {}) {
  const bg = fullBleed
    ? '<rect width="512" height="512" fill="url(#bg)"/>'
    : '<rect width="512" height="512" rx="112" fill="url(#bg)"/>';
  const s =
    scale === 1 ? '' : ` transform="translate(256 266) scale(${scale}) translate(-256 -266)"`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
  <title>Blur-O-Matic</title>
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#4a1fb8"/>
      <stop offset="1" stop-color="#0a6ad6"/>
    </linearGradient>
    <linearGradient id="sky" x1="0" y1="52" x2="0" y2="380" gradientUnits="userSpaceOnUse">
      <stop offset="0" stop-color="#ffd45c"/>
      <stop offset="0.55" stop-color="#ff7a59"/>
      <stop offset="1" stop-color="#d93f86"/>
    </linearGradient>
    <linearGradient id="lake" x1="0" y1="372" x2="0" y2="460" gradientUnits="userSpaceOnUse">
      <stop offset="0" stop-color="#3b63d9"/>
      <stop offset="1" stop-color="#1d2f8f"/>
    </linearGradient>
    <clipPath id="drop"><path d="${DROP}"/></clipPath>
    <clipPath id="lh"><rect width="256" height="512"/></clipPath>
    <clipPath id="rh"><rect x="256" width="256" height="512"/></clipPath>
    <filter id="soft" x="-10%" y="-10%" width="120%" height="120%">
      <feGaussianBlur stdDeviation="11"/>
    </filter>
    <g id="scene">
      <rect x="40" y="20" width="432" height="480" fill="url(#sky)"/>
      <circle cx="256" cy="262" r="64" fill="#fff4c9"/>
      <path d="M40 380L150 282L196 318L262 252L318 300L352 270L472 380Z" fill="#3a1d7c"/>
      <path d="M150 282L196 318L172 300L150 318L128 302Z" fill="#5a34a8"/>
      <path d="M262 252L318 300L290 282L262 304L238 276Z" fill="#5a34a8"/>
      <rect x="40" y="372" width="432" height="128" fill="url(#lake)"/>
      <rect x="150" y="392" width="212" height="9" rx="4.5" fill="#fff4c9"/>
      <rect x="186" y="416" width="140" height="9" rx="4.5" fill="#ffb36b"/>
      <rect x="218" y="440" width="76" height="9" rx="4.5" fill="#ff7a8a"/>
    </g>
  </defs>
  ${bg}
  <g${s}>
    <path d="${DROP}" fill="#10104a" opacity="0.35" transform="translate(0 10)"/>
    <g clip-path="url(#drop)">
      <g clip-path="url(#lh)"><use href="#scene"/></g>
      <g clip-path="url(#rh)"><use href="#scene" filter="url(#soft)"/></g>
      <rect x="252" y="40" width="8" height="440" fill="#ffffff"/>
    </g>
    <path d="${DROP}" fill="none" stroke="#ffffff" stroke-width="18" stroke-linejoin="round"/>
  </g>
</svg>
`;
}

// ---------------------------------------------------------------------------
// Landscape renderer. Runs inside the page (serialised by Playwright), so it
// must be self-contained. Returns a JPEG data URL.
// ---------------------------------------------------------------------------
function renderLandscape({ width: W, height: H, seed, quality }) {
  // --- seeded PRNG + gradient noise ---------------------------------------
  function mulberry32(a) {
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const rng = mulberry32(seed);
  const rr = (a, b) => a + (b - a) * rng();

  function makeNoise(r) {
    const perm = Array.from({ length: 256 }, (_, i) => i);
    for (let i = 255; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const p = new Uint8Array(512);
    for (let i = 0; i < 512; i++) p[i] = perm[i & 255];
    const gx = new Float32Array(256);
    const gy = new Float32Array(256);
    for (let i = 0; i < 256; i++) {
      const a = r() * Math.PI * 2;
      gx[i] = Math.cos(a);
      gy[i] = Math.sin(a);
    }
    return (x, y) => {
      const xi = Math.floor(x);
      const yi = Math.floor(y);
      const xf = x - xi;
      const yf = y - yi;
      const X = xi & 255;
      const Y = yi & 255;
      const aa = p[p[X] + Y];
      const ab = p[p[X] + Y + 1];
      const ba = p[p[X + 1] + Y];
      const bb = p[p[X + 1] + Y + 1];
      const u = xf * xf * xf * (xf * (xf * 6 - 15) + 10);
      const v = yf * yf * yf * (yf * (yf * 6 - 15) + 10);
      const n00 = gx[aa] * xf + gy[aa] * yf;
      const n10 = gx[ba] * (xf - 1) + gy[ba] * yf;
      const n01 = gx[ab] * xf + gy[ab] * (yf - 1);
      const n11 = gx[bb] * (xf - 1) + gy[bb] * (yf - 1);
      const x1 = n00 + (n10 - n00) * u;
      const x2 = n01 + (n11 - n01) * u;
      return (x1 + (x2 - x1) * v) * 1.4142;
    };
  }
  const N = Array.from({ length: 8 }, () => makeNoise(rng));
  const fbm = (n, x, y, oct, gain = 0.5) => {
    let s = 0;
    let a = 1;
    let norm = 0;
    for (let o = 0; o < oct; o++) {
      s += a * n(x, y);
      norm += a;
      a *= gain;
      x = x * 2.03 + 17.1;
      y = y * 2.03 + 5.7;
    }
    return s / norm;
  };
  const ridged = (n, x, y, oct) => {
    let s = 0;
    let a = 1;
    let norm = 0;
    let w = 1;
    for (let o = 0; o < oct; o++) {
      let v = 1 - Math.abs(n(x, y));
      v *= v * w;
      w = Math.min(1, v * 1.6);
      s += a * v;
      norm += a;
      a *= 0.5;
      x = x * 2.07 + 3.3;
      y = y * 2.07 + 9.1;
    }
    return s / norm;
  };
  const clamp = (v, a = 0, b = 1) => (v < a ? a : v > b ? b : v);
  const smooth = (a, b, v) => {
    const t = clamp((v - a) / (b - a));
    return t * t * (3 - 2 * t);
  };
  const mix = (a, b, t) => [
    a[0] + (b[0] - a[0]) * t,
    a[1] + (b[1] - a[1]) * t,
    a[2] + (b[2] - a[2]) * t,
  ];

  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });

  const H0 = Math.round(H * 0.635); // shoreline / horizon of the lake
  const SUN = [W * 0.86, H * 0.06]; // soft sun glow, just inside the top right
  const buf = new Float32Array(W * H0 * 3);

  // --- sky + clouds -----------------------------------------------------------
  const skyTop = [0.16, 0.33, 0.62];
  const skyMid = [0.42, 0.6, 0.82];
  const skyHor = [0.93, 0.86, 0.76];
  const skyAt = (x, y) => {
    const t = y / H0;
    let c =
      t < 0.5 ? mix(skyTop, skyMid, smooth(0, 0.5, t)) : mix(skyMid, skyHor, smooth(0.5, 1, t));
    const dx = (x - SUN[0]) / W;
    const dy = (y - SUN[1]) / W;
    const d2 = dx * dx + dy * dy;
    const g = Math.exp(-d2 * 7) * 0.32 + Math.exp(-d2 * 60) * 0.35;
    return [c[0] + g * 1.0, c[1] + g * 0.82, c[2] + g * 0.55];
  };
  for (let y = 0; y < H0; y++) {
    const t = y / H0;
    const sx = 0.0021 / (1.0 - 0.45 * t);
    const sy = 0.0058 / (1.0 - 0.55 * t) / (1.0 - 0.55 * t);
    for (let x = 0; x < W; x++) {
      let c = skyAt(x, y);
      const cx = x * sx;
      const cy = y * sy;
      const cov =
        0.05 + 0.3 * fbm(N[3], x * 0.0009 + 3, y * 0.0016, 3) - 0.32 * t * t - 0.05 * (1 - t);
      if (cov > -0.5) {
        const wx = fbm(N[0], cx * 0.8 + 5.2, cy * 0.8 + 1.3, 3);
        const wy = fbm(N[1], cx * 0.8 + 1.7, cy * 0.8 + 9.2, 3);
        const px = cx + 0.55 * wx;
        const py = cy + 0.55 * wy;
        const d = fbm(N[2], px, py, 6, 0.52);
        const dens = clamp((d + cov) * 2.6);
        if (dens > 0.001) {
          // self-shadowing: sample towards the sun
          const lx = (SUN[0] - x) / W;
          const ly = (SUN[1] - y) / W;
          const ll = Math.hypot(lx, ly) + 1e-6;
          const d2 = fbm(N[2], px + (lx / ll) * 0.07, py + (ly / ll) * 0.07, 6, 0.52);
          const lit = clamp(0.62 + (d - d2) * 4.5);
          const shadow = [0.5, 0.55, 0.66];
          const light = [1.02, 0.97, 0.9];
          let cc = mix(shadow, light, lit);
          // warm silver lining on thin cloud near the sun
          const sd = Math.hypot(x - SUN[0], y - SUN[1]) / W;
          const rim = Math.exp(-sd * 5) * (1 - dens) * 0.5;
          cc = [cc[0] + rim, cc[1] + rim * 0.85, cc[2] + rim * 0.6];
          // haze: clouds near the horizon fade into the sky colour
          cc = mix(cc, c, t * t * 0.6);
          c = mix(c, cc, Math.pow(dens, 0.8) * 0.95);
        }
      }
      const i = (y * W + x) * 3;
      buf[i] = c[0];
      buf[i + 1] = c[1];
      buf[i + 2] = c[2];
    }
  }

  // --- mountain ranges, far to near (aerial perspective) ----------------------
  const haze = [0.74, 0.79, 0.86];
  const bump = (u, c, w) => Math.exp(-(((u - c) / w) ** 2));
  const ranges = [
    {
      base: 520,
      amp: 360,
      f: 0.0021,
      n: 4,
      fog: 0.26,
      snow: true,
      shadow: [0.17, 0.22, 0.35],
      lit: [0.6, 0.56, 0.53],
      shape: (u) =>
        0.28 + 0.72 * bump(u, 0.6, 0.12) + 0.38 * bump(u, 0.3, 0.1) + 0.3 * bump(u, 0.92, 0.1),
    },
    {
      base: 610,
      amp: 200,
      f: 0.0032,
      n: 5,
      fog: 0.2,
      shadow: [0.12, 0.17, 0.25],
      lit: [0.44, 0.44, 0.42],
      shape: (u) =>
        0.22 + 0.75 * bump(u, 0.16, 0.2) + 0.3 * bump(u, 0.52, 0.07) + 0.55 * bump(u, 0.97, 0.12),
    },
    {
      base: 700,
      amp: 130,
      f: 0.0048,
      n: 6,
      fog: 0.12,
      shadow: [0.07, 0.12, 0.14],
      lit: [0.3, 0.35, 0.28],
      shape: (u) => 0.18 + 0.8 * bump(u, 0.84, 0.16) + 0.35 * bump(u, 0.4, 0.08),
    },
    {
      base: 756,
      amp: 80,
      f: 0.007,
      n: 7,
      fog: 0.05,
      forest: true,
      col: [0.08, 0.15, 0.1],
      shape: (u) => 0.2 + 0.8 * bump(u, 0.05, 0.14) + 0.5 * bump(u, 0.7, 0.1),
    },
  ];
  const ridges = [];
  for (const [li, r] of ranges.entries()) {
    const ridge = new Float32Array(W);
    const n = N[r.n];
    for (let x = 0; x < W; x++) {
      const big = 0.5 + 0.5 * fbm(n, x * r.f * 0.4 + li * 7, 0.5, 3);
      const sharp = ridged(n, x * r.f + 11, 2.5 + li, 7);
      const h = r.shape(x / W) * (0.6 + 0.5 * big) * (0.45 + 0.65 * sharp);
      ridge[x] = r.base - r.amp * h;
    }
    ridges.push(ridge);
    for (let x = 0; x < W; x++) {
      const top = Math.max(0, Math.floor(ridge[x]));
      const slopeTop = (ridge[Math.min(W - 1, x + 14)] - ridge[Math.max(0, x - 14)]) / 28;
      for (let y = top; y < H0; y++) {
        const dy = y - ridge[x];
        const cover = clamp(dy + 0.5); // anti-aliased crest
        if (cover <= 0) continue;
        let c;
        if (r.forest) {
          // distant forest canopy: blotchy dark greens
          const t1 = fbm(n, x * 0.06, y * 0.09, 3);
          const t2 = n(x * 0.015, y * 0.02);
          const l = 0.75 + 0.35 * t1 + 0.2 * t2 + 0.25 * clamp(slopeTop);
          c = [r.col[0] * l, r.col[1] * l * 1.05, r.col[2] * l];
        } else {
          // rocky faces: meandering gullies running downhill, lit from the right
          const k = r.f * 3.2;
          const warp = 0.9 * fbm(n, x * r.f * 0.9 + 40, y * r.f * 0.9, 3);
          const gxs = x * k + warp;
          const gys = y * k * 0.75;
          const hL = ridged(n, gxs - k * 1.5, gys, 5);
          const hR = ridged(n, gxs + k * 1.5, gys, 5);
          const hC = ridged(n, gxs, gys, 5);
          const ridgeLight = clamp(slopeTop * 1.6, -1, 1) * Math.exp(-dy / 70);
          const l = clamp(0.45 + (hL - hR) * 5 + ridgeLight * 0.45 + (hC - 0.45) * 0.35);
          c = mix(r.shadow, r.lit, l);
          if (r.snow) {
            const snowLine = 60 + 110 * (0.5 + 0.5 * fbm(n, x * 0.004, 9.3, 3));
            const patch =
              hC * 0.9 + 0.6 * (1 - dy / snowLine) + 0.16 * fbm(n, x * 0.03, y * 0.045, 4);
            const s = smooth(0.78, 0.86, patch);
            if (s > 0) {
              const snow = mix(
                [0.5, 0.58, 0.76],
                [1.0, 0.96, 0.9],
                clamp(0.15 + l * 0.95 + 0.15 * n(x * 0.08, y * 0.02)),
              );
              c = mix(c, snow, s);
            }
          }
        }
        const depth = clamp(dy / Math.max(1, r.base - ridge[x] + 40));
        const fog = r.fog + (1 - r.fog) * smooth(0.45, 1.2, depth) * 0.3;
        const hz = mix(haze, skyAt(x, H0 * 0.9), 0.4);
        c = mix(c, hz, fog);
        const i = (y * W + x) * 3;
        buf[i] += (c[0] - buf[i]) * cover;
        buf[i + 1] += (c[1] - buf[i + 1]) * cover;
        buf[i + 2] += (c[2] - buf[i + 2]) * cover;
      }
    }
  }

  // push the float buffer to the canvas (rows above the lake)
  {
    const img = ctx.createImageData(W, H0);
    const d = img.data;
    for (let i = 0, j = 0; i < W * H0 * 3; i += 3, j += 4) {
      d[j] = clamp(buf[i]) * 255;
      d[j + 1] = clamp(buf[i + 1]) * 255;
      d[j + 2] = clamp(buf[i + 2]) * 255;
      d[j + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  // --- conifers (vector, crisp edges) ------------------------------------------
  function conifer(x, baseY, h, w, fill, light) {
    const top = baseY - h;
    const n = Math.max(5, Math.min(70, Math.round(h / 4)));
    const left = [];
    const right = [];
    for (let i = 1; i <= n; i++) {
      const t = i / n;
      const y = top + t * h * 0.9;
      const jag = i % 2 ? 0.5 : 1;
      left.push([x - (w / 2) * Math.pow(t, 0.85) * jag * rr(0.7, 1.1), y + rr(-1, 1) * h * 0.01]);
      right.push([x + (w / 2) * Math.pow(t, 0.85) * jag * rr(0.7, 1.1), y + rr(-1, 1) * h * 0.01]);
    }
    ctx.beginPath();
    ctx.moveTo(x + rr(-0.5, 0.5), top - h * 0.03);
    for (const [px, py] of left) ctx.lineTo(px, py);
    ctx.lineTo(x - w * 0.04, baseY);
    ctx.lineTo(x + w * 0.04, baseY);
    for (let i = right.length - 1; i >= 0; i--) ctx.lineTo(right[i][0], right[i][1]);
    ctx.closePath();
    ctx.fillStyle = fill;
    ctx.fill();
    if (light) {
      // sunlit right flank
      ctx.beginPath();
      ctx.moveTo(x, top);
      for (const [px, py] of right) ctx.lineTo(x + (px - x) * 0.9, py);
      ctx.lineTo(x + w * 0.05, baseY - h * 0.1);
      ctx.closePath();
      ctx.fillStyle = light;
      ctx.fill();
    }
  }
  const rgb = (c) => `rgb(${c.map((v) => Math.round(clamp(v) * 255)).join(',')})`;

  // serrated tree tops along the nearest forested ridge
  {
    const ridge = ridges[3];
    for (let x = -10; x < W + 10; x += rr(3, 7)) {
      const xi = Math.max(0, Math.min(W - 1, Math.round(x)));
      const h = rr(7, 16);
      const l = rr(0.8, 1.15);
      conifer(x, ridge[xi] + h * 0.55, h, h * 0.42, rgb([0.08 * l, 0.15 * l, 0.1 * l]), null);
    }
  }
  // dense treeline on the far shore
  {
    for (let x = -20; x < W + 20; x += rr(2.5, 7)) {
      const h = rr(14, 44) * (0.7 + 0.5 * (0.5 + 0.5 * N[5](x * 0.004, 3.3)));
      const l = rr(0.75, 1.2);
      const base = H0 + rr(0, 2);
      conifer(
        x,
        base,
        h,
        h * rr(0.28, 0.4),
        rgb([0.05 * l, 0.11 * l, 0.08 * l]),
        rgb([0.1 * l, 0.2 * l, 0.12 * l]),
      );
    }
    // low shrubs hiding the tree bases
    ctx.fillStyle = rgb([0.05, 0.09, 0.06]);
    ctx.beginPath();
    ctx.moveTo(0, H0 + 2);
    for (let x = 0; x <= W; x += 6) ctx.lineTo(x, H0 - 4 - 4 * (0.5 + 0.5 * N[6](x * 0.02, 1.5)));
    ctx.lineTo(W, H0 + 2);
    ctx.fill();
  }

  // --- lake: rippled, Fresnel-weighted reflection ------------------------------
  {
    const src = ctx.getImageData(0, 0, W, H0).data;
    const img = ctx.createImageData(W, H - H0);
    const d = img.data;
    const deep = [0.03, 0.09, 0.1];
    const D = H - H0;
    for (let y = H0; y < H; y++) {
      const dist = y - H0;
      const t = dist / D;
      for (let x = 0; x < W; x++) {
        const wv =
          N[7](x * 0.0035, (dist * 0.11) / (0.15 + t)) +
          0.5 * N[6](x * 0.012, (dist * 0.35) / (0.2 + t));
        const dx = wv * (1.5 + dist * 0.045);
        const dyo = Math.abs(wv) * dist * 0.02;
        let sx = Math.round(x + dx);
        sx = sx < 0 ? 0 : sx >= W ? W - 1 : sx;
        let c = [0, 0, 0];
        for (const o of [-1, 0, 1]) {
          let sy = Math.round(H0 - 1 - dist * 1.0 - dyo + o * (1 + t * 3));
          sy = sy < 0 ? 0 : sy >= H0 ? H0 - 1 : sy;
          const k = (sy * W + sx) * 4;
          c[0] += src[k] / 765;
          c[1] += src[k + 1] / 765;
          c[2] += src[k + 2] / 765;
        }
        c = [c[0] * 0.8, c[1] * 0.86, c[2] * 0.88];
        const fres = 0.92 - 0.5 * Math.pow(t, 0.8);
        c = mix(deep, c, fres);
        // wind-ruffled patches reflect the brighter sky
        const wind = smooth(0.15, 0.5, fbm(N[4], x * 0.0012, (dist * 0.02) / (0.1 + t), 3));
        const rip = 0.5 + 0.5 * N[5](x * 0.02, (dist * 0.9) / (0.12 + t));
        c = mix(c, [0.5, 0.6, 0.7], wind * 0.22 * rip);
        const j = ((y - H0) * W + x) * 4;
        d[j] = clamp(c[0]) * 255;
        d[j + 1] = clamp(c[1]) * 255;
        d[j + 2] = clamp(c[2]) * 255;
        d[j + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, H0);
    // bright waterline
    ctx.fillStyle = 'rgba(205,215,225,0.35)';
    ctx.fillRect(0, H0, W, 1.5);
  }

  // --- foreground: grassy bank, boulders and a big spruce on the left ----------
  {
    const bank = (x) => 1000 + 215 * Math.pow(Math.max(0, x) / 800, 1.7) + 8 * N[1](x * 0.02, 0.5);
    // boulders at the water's edge, with dark rippled reflections
    const boulder = (cx, cy, rx, ry, seedOff) => {
      const pts = [];
      const k = 28;
      for (let i = 0; i <= k; i++) {
        const a = Math.PI + (i / k) * Math.PI;
        const rad =
          1 +
          0.3 * N[2](seedOff + Math.cos(a) * 1.1, Math.sin(a) * 1.1) +
          0.08 * N[3](seedOff + Math.cos(a) * 4, Math.sin(a) * 4) +
          0.03 * rr(-1, 1);
        const lean = Math.sin(a) * Math.cos(a) * 0.35; // asymmetric, leaning left
        pts.push([cx + (Math.cos(a) + lean) * rx * rad, cy + Math.sin(a) * ry * rad * 1.15]);
      }
      const path = (flip) => {
        ctx.beginPath();
        for (const [i, [px, py]] of pts.entries()) {
          const yy = flip ? 2 * cy - py : py;
          if (i === 0) ctx.moveTo(px, yy);
          else ctx.lineTo(px + (flip ? 2 * N[5](py * 0.2, px * 0.01) : 0), yy);
        }
        ctx.closePath();
      };
      path(true);
      ctx.fillStyle = 'rgba(16,22,24,0.45)';
      ctx.fill();
      path(false);
      const bg = ctx.createLinearGradient(cx - rx, cy - ry, cx + rx * 0.7, cy);
      bg.addColorStop(0, '#252726');
      bg.addColorStop(0.6, '#5d5c56');
      bg.addColorStop(1, '#9c9484');
      ctx.fillStyle = bg;
      ctx.fill();
      // lichen speckles and cracks for fine texture
      ctx.save();
      ctx.clip();
      for (let i = 0; i < rx * 2; i++) {
        const sx = cx + rr(-rx, rx);
        const sy = cy - rr(0, ry * 1.1);
        ctx.fillStyle = rng() < 0.5 ? 'rgba(30,30,28,0.35)' : 'rgba(210,205,180,0.3)';
        ctx.fillRect(sx, sy, rr(1, 3), rr(1, 2.5));
      }
      ctx.strokeStyle = 'rgba(25,25,25,0.5)';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(cx - rx * 0.2, cy - ry * 1.05);
      ctx.lineTo(cx - rx * 0.05, cy - ry * 0.5);
      ctx.lineTo(cx - rx * 0.15, cy);
      ctx.stroke();
      ctx.restore();
      // bright water line where the rock meets the lake
      ctx.strokeStyle = 'rgba(190,205,215,0.3)';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(pts[pts.length - 1][0] + rx * 0.1, cy + 1);
      ctx.lineTo(pts[0][0] - rx * 0.1, cy + 1);
      ctx.stroke();
    };
    boulder(860, 1150, 84, 46, 3.1);
    boulder(985, 1172, 44, 24, 7.7);
    boulder(720, 1118, 50, 28, 11.3);

    // the bank itself
    ctx.beginPath();
    ctx.moveTo(-5, bank(-5));
    for (let x = 0; x <= 820; x += 6) ctx.lineTo(x, bank(x));
    ctx.lineTo(820, H + 5);
    ctx.lineTo(-5, H + 5);
    ctx.closePath();
    const gr = ctx.createLinearGradient(0, 980, 0, H);
    gr.addColorStop(0, '#3a4420');
    gr.addColorStop(1, '#1b2110');
    ctx.fillStyle = gr;
    ctx.fill();

    // grass blades, longer towards the camera
    for (let i = 0; i < 3200; i++) {
      const x = rr(-20, 800);
      const by = bank(x) + rr(2, 1) + (H - bank(x) + 20) * Math.pow(rng(), 0.7);
      const near = clamp((by - 1000) / 200);
      const h = rr(18, 60) * (0.6 + 1.6 * near) * (1 - x / 1400);
      const lean = rr(-0.3, 0.55) * h;
      const w = rr(1, 2.2) * (0.7 + near);
      const l = rr(0.45, 1.3) * (0.75 + 0.25 * near);
      const dry = rng() < 0.22;
      const col = dry ? [0.5 * l, 0.44 * l, 0.24 * l] : [0.16 * l, 0.26 * l, 0.1 * l];
      ctx.beginPath();
      ctx.moveTo(x - w, by);
      ctx.quadraticCurveTo(x + lean * 0.3, by - h * 0.6, x + lean, by - h);
      ctx.quadraticCurveTo(x + lean * 0.3 + w * 0.4, by - h * 0.6, x + w, by);
      ctx.closePath();
      ctx.fillStyle = rgb(col);
      ctx.fill();
    }

    // foreground spruce, rising out of frame
    const px = 150;
    const pBase = bank(150) + 40;
    const trunk = ctx.createLinearGradient(px - 16, 0, px + 16, 0);
    trunk.addColorStop(0, '#160f0a');
    trunk.addColorStop(1, '#5a3f2a');
    ctx.fillStyle = trunk;
    ctx.beginPath();
    ctx.moveTo(px - 17, pBase);
    ctx.lineTo(px - 5, -10);
    ctx.lineTo(px + 5, -10);
    ctx.lineTo(px + 17, pBase);
    ctx.fill();
    const clump = (cx, cy, rx, ry, fill) => {
      const k = 22;
      ctx.beginPath();
      for (let i = 0; i < k; i++) {
        const a = (i / k) * Math.PI * 2;
        const rad = i % 2 ? rr(0.45, 0.7) : rr(0.9, 1.15);
        const px2 = cx + Math.cos(a) * rx * rad;
        const py2 = cy + Math.sin(a) * ry * rad + (Math.sin(a) > 0 ? ry * 0.35 * rad : 0);
        if (i === 0) ctx.moveTo(px2, py2);
        else ctx.lineTo(px2, py2);
      }
      ctx.closePath();
      ctx.fillStyle = fill;
      ctx.fill();
    };
    for (let y = -40; y < pBase - 90; y += rr(13, 22)) {
      const t = clamp((y + 60) / (pBase - 60));
      const reach = (45 + 240 * Math.pow(t, 0.85)) * rr(0.72, 1.12);
      for (const side of [-1, 1]) {
        const r = reach * (side > 0 ? rr(0.85, 1.1) : rr(0.65, 0.95));
        const droop = r * rr(0.12, 0.3);
        const n = Math.ceil(r / 15);
        for (let k = 0; k <= n; k++) {
          const u = k / n;
          const cx = px + side * r * u;
          const cy = y + droop * u * u - 4;
          const sz = (16 + 12 * (1 - u)) * rr(0.8, 1.2);
          const shade = side > 0 ? 0.6 + 0.45 * u : 0.45 + 0.2 * u;
          const l = shade * rr(0.85, 1.15);
          clump(cx, cy, sz * 1.25, sz * 0.5, rgb([0.05 * l, 0.11 * l, 0.07 * l]));
          if (side > 0 && rng() < 0.7) {
            const l2 = l * rr(1.5, 2.0);
            clump(
              cx + sz * 0.15,
              cy - sz * 0.22,
              sz * 0.8,
              sz * 0.25,
              rgb([0.07 * l2, 0.13 * l2, 0.06 * l2]),
            );
          }
        }
      }
    }
  }

  // --- "camera": tone curve, warm grade, vignette, film grain -----------------
  {
    const img = ctx.getImageData(0, 0, W, H);
    const d = img.data;
    const cxm = W / 2;
    const cym = H / 2;
    const rmax = Math.hypot(cxm, cym);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const j = (y * W + x) * 4;
        const r2 = Math.pow(Math.hypot(x - cxm, y - cym) / rmax, 2);
        const vig = 1 - 0.28 * r2 * r2 - 0.1 * r2;
        const grain = (rng() + rng() + rng() - 1.5) * 0.022;
        for (let ch = 0; ch < 3; ch++) {
          let v = d[j + ch] / 255;
          v += 0.12 * (v - 0.5) * (1 - Math.abs(2 * v - 1)); // gentle S-curve
          v *= ch === 0 ? 1.05 : ch === 2 ? 0.95 : 1.01;
          v = v * vig + grain;
          d[j + ch] = clamp(v) * 255;
        }
      }
    }
    ctx.putImageData(img, 0, 0);
  }

  return canvas.toDataURL('image/jpeg', quality);
}

// ---------------------------------------------------------------------------
async function renderSvgToPng(page, svg, size) {
  return page.evaluate(
    async ({ svg, size }) => {
      const img = new Image();
      img.src = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(svg)));
      await img.decode();
      const c = document.createElement('canvas');
      c.width = size;
      c.height = size;
      const ctx = c.getContext('2d');
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(img, 0, 0, size, size);
      return c.toDataURL('image/png');
    },
    { svg, size },
  );
}

const fromDataUrl = (url) => Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');

async function main() {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>art</title>');
    await mkdir(path.join(root, 'public/icons'), { recursive: true });

    const out = async (rel, data) => {
      await writeFile(path.join(root, rel), data);
      console.log(`wrote ${rel} (${data.length} bytes)`);
    };

    const svg = iconSvg();
    await out('public/icons/icon.svg', svg);
    await out('public/favicon.svg', svg);
    await out('public/icons/icon-192.png', fromDataUrl(await renderSvgToPng(page, svg, 192)));
    await out('public/icons/icon-512.png', fromDataUrl(await renderSvgToPng(page, svg, 512)));
    const maskable = iconSvg({ fullBleed: true, scale: 0.78 });
    await out(
      'public/icons/maskable-512.png',
      fromDataUrl(await renderSvgToPng(page, maskable, 512)),
    );
    const apple = iconSvg({ fullBleed: true, scale: 0.86 });
    await out(
      'public/icons/apple-touch-icon-180.png',
      fromDataUrl(await renderSvgToPng(page, apple, 180)),
    );

    const jpg = await page.evaluate(renderLandscape, { ...SAMPLE, seed: SEED });
    await out('public/sample.jpg', fromDataUrl(jpg));
  } finally {
    await browser.close();
  }
}

await main();
