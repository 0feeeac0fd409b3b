/**
 * Frequency cues of a recaptured face: a screen or a print seen by a camera loses fine detail
 * (a second optical blur and resampling), and a screen's pixel grid beating against the camera's
 * sensor leaves moire, i.e. isolated peaks in the mid/high spatial frequencies. Measured on a
 * square grey crop (power-of-two side) with a 2-D FFT under a Hann window.
 */

/** Radial band edges as fractions of the Nyquist frequency. */
const BAND_EDGES = [0.03, 0.125, 0.25, 0.375, 0.5, 0.75, 1] as const;
/** Moire peaks are searched from this fraction of Nyquist upwards. */
const PEAK_FROM = 0.25;
/** Keeps logs finite for flat crops. */
const EPS = 1e-8;

export const SPECTRAL_FEATURES = [
  ...BAND_EDGES.slice(0, -1).map((lo, i) => `band_${lo}_${BAND_EDGES[i + 1]!}`),
  'peakiness',
  'laplacian_ratio',
  'contrast',
] as const;

/** In-place iterative radix-2 FFT of one line (re, im of length n, a power of two). */
function fft1d(re: Float64Array, im: Float64Array, n: number): void {
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/** Power spectrum |F(u,v)|^2 of a windowed, mean-removed n x n image (n a power of two). */
export function powerSpectrum(grey: Uint8Array, n: number): Float64Array {
  if (n < 4 || (n & (n - 1)) !== 0 || grey.length !== n * n) {
    throw new RangeError(`powerSpectrum: need an n x n image with n a power of two, got n=${n}`);
  }
  let mean = 0;
  for (let i = 0; i < n * n; i++) mean += grey[i]!;
  mean /= n * n;
  const hann = new Float64Array(n);
  for (let i = 0; i < n; i++) hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n);
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) re[y * n + x] = (grey[y * n + x]! - mean) * hann[x]! * hann[y]!;
  }
  const lr = new Float64Array(n);
  const li = new Float64Array(n);
  for (let y = 0; y < n; y++) {
    lr.set(re.subarray(y * n, y * n + n));
    li.set(im.subarray(y * n, y * n + n));
    fft1d(lr, li, n);
    re.set(lr, y * n);
    im.set(li, y * n);
  }
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < n; y++) {
      lr[y] = re[y * n + x]!;
      li[y] = im[y * n + x]!;
    }
    fft1d(lr, li, n);
    for (let y = 0; y < n; y++) {
      re[y * n + x] = lr[y]!;
      im[y * n + x] = li[y]!;
    }
  }
  const power = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) power[i] = re[i]! * re[i]! + im[i]! * im[i]!;
  return power;
}

/** Radial frequency of bin (u, v) as a fraction of Nyquist (corners exceed 1). */
function radius(u: number, v: number, n: number): number {
  const fu = u <= n / 2 ? u : n - u;
  const fv = v <= n / 2 ? v : n - v;
  return Math.hypot(fu, fv) / (n / 2);
}

function bandFeatures(power: Float64Array, n: number, out: Float64Array, at: number): number {
  const bands = new Float64Array(BAND_EDGES.length - 1);
  let total = EPS;
  const high: number[] = [];
  for (let v = 0; v < n; v++) {
    for (let u = 0; u < n; u++) {
      const r = radius(u, v, n);
      const p = power[v * n + u]!;
      if (r < BAND_EDGES[0] || r > 1) continue;
      total += p;
      for (let b = 0; b < bands.length; b++) {
        if (r < BAND_EDGES[b + 1]! || b === bands.length - 1) {
          bands[b]! += p;
          break;
        }
      }
      if (r >= PEAK_FROM) high.push(p);
    }
  }
  let k = at;
  for (const e of bands) out[k++] = Math.log(e / total + EPS);
  high.sort((a, b) => a - b);
  const med = high[high.length >> 1] ?? 0;
  out[k++] = Math.log(((high.at(-1) ?? 0) + EPS) / (med + EPS));
  return k;
}

/**
 * The SPECTRAL_FEATURES of an n x n grey crop, written into `out` at `at`: log share of the
 * spectrum's energy per radial band, moire peakiness (log of the strongest high-frequency bin
 * over the median one), log ratio of Laplacian variance to intensity variance (sharpness that
 * does not depend on contrast), and log intensity variance (contrast).
 */
export function spectralFeatures(grey: Uint8Array, n: number, out: Float64Array, at: number): void {
  let k = bandFeatures(powerSpectrum(grey, n), n, out, at);
  let sum = 0;
  let sq = 0;
  let lsum = 0;
  let lsq = 0;
  let count = 0;
  for (let y = 1; y < n - 1; y++) {
    for (let x = 1; x < n - 1; x++) {
      const p = y * n + x;
      const c = grey[p]!;
      const lap = grey[p - 1]! + grey[p + 1]! + grey[p - n]! + grey[p + n]! - 4 * c;
      sum += c;
      sq += c * c;
      lsum += lap;
      lsq += lap * lap;
      count++;
    }
  }
  const variance = Math.max(0, sq / count - (sum / count) ** 2);
  const lapVariance = Math.max(0, lsq / count - (lsum / count) ** 2);
  out[k++] = Math.log((lapVariance + 1) / (variance + 1));
  out[k++] = Math.log(variance + 1);
}
