// COCO run-length encoding as pycocotools' maskApi.c defines it: a binary mask read column by
// column (Fortran order), alternating run lengths that start with a run of zeros, and the
// compressed string form of rleToString/rleFrString (LEB128-like, 5 bits per character in
// ASCII 48..111, each count after the second stored as the difference to the count two before).

export class RleFormatError extends Error {}

/** Column-major runs of `labels === cls` (labels row-major, width x height); starts with zeros. */
export function classRuns(labels: Uint8Array, width: number, height: number, cls: number): number[] {
  const counts: number[] = [];
  let current = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0, i = x; y < height; y++, i += width) {
      const bit = labels[i] === cls ? 1 : 0;
      if (bit !== current) {
        counts.push(run);
        run = 0;
        current = bit;
      }
      run++;
    }
  }
  counts.push(run);
  return counts;
}

/** maskApi.c rleToString: the compressed form of uncompressed counts. */
export function rleToString(counts: readonly number[]): string {
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    // pycocotools deltas only from the fourth count on (`if(i>2)`), not the third.
    let x = counts[i]! - (i > 2 ? counts[i - 2]! : 0);
    let more = true;
    while (more) {
      let c = x & 0x1f;
      // Arithmetic shift, as C's `x >>= 5` on a signed long: negative deltas end at -1.
      x >>= 5;
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

/** maskApi.c rleFrString: uncompressed counts from the compressed string. */
export function rleFromString(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new RleFormatError(`counts string ends inside a number at character ${p}`);
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new RleFormatError(`counts string has "${s[p]}" at character ${p}, outside the RLE alphabet (ASCII 48..111)`);
      // Multiplication, not <<, so that counts of more than 31 bits stay exact.
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 2 ** (5 * k);
      if (k > 7) throw new RleFormatError(`counts string has a number longer than 7 characters at character ${p}`);
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  return counts;
}

/**
 * Paints the pixels a COCO RLE marks (odd runs) with `cls` into row-major labels. The counts must
 * cover exactly height x width pixels; `where` names the annotation in errors.
 */
export function paintRuns(counts: readonly number[], width: number, height: number, labels: Uint8Array, cls: number, where: string): void {
  const total = width * height;
  let k = 0;
  for (let r = 0; r < counts.length; r++) {
    const n = counts[r]!;
    if (!Number.isInteger(n) || n < 0) throw new RleFormatError(`${where}: run ${r} has length ${n}, not a whole number >= 0`);
    if (k + n > total) throw new RleFormatError(`${where}: runs cover more than the ${width}x${height} = ${total} pixels`);
    if (r % 2 === 1) {
      for (let j = k; j < k + n; j++) {
        const x = Math.floor(j / height);
        labels[(j - x * height) * width + x] = cls;
      }
    }
    k += n;
  }
  if (k !== total) throw new RleFormatError(`${where}: runs cover ${k} pixels, the ${width}x${height} mask has ${total}`);
}

/** Pixel count and [x, y, w, h] box of the marked pixels, from column-major runs. */
export function runsAreaAndBox(counts: readonly number[], height: number): { area: number; bbox: [number, number, number, number] } {
  let area = 0;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  let k = 0;
  for (let r = 0; r < counts.length; r++) {
    const n = counts[r]!;
    if (r % 2 === 1 && n > 0) {
      area += n;
      const first = k;
      const last = k + n - 1;
      const xa = Math.floor(first / height);
      const xb = Math.floor(last / height);
      x0 = Math.min(x0, xa);
      x1 = Math.max(x1, xb);
      // A run spanning a column break covers the column's full height.
      if (xa !== xb) {
        y0 = 0;
        y1 = height - 1;
      } else {
        y0 = Math.min(y0, first % height);
        y1 = Math.max(y1, last % height);
      }
    }
    k += n;
  }
  if (area === 0) return { area, bbox: [0, 0, 0, 0] };
  return { area, bbox: [x0, y0, x1 - x0 + 1, y1 - y0 + 1] };
}

/**
 * maskApi.c rleFrPoly: the counts of one polygon [x1, y1, x2, y2, ...] rasterized as pycocotools
 * does (boundary walked at 5x resolution, then the points where it crosses pixel columns turn
 * into run boundaries), so that an imported polygon covers exactly the pixels it covers there.
 */
export function polygonRuns(xy: readonly number[], height: number, width: number): number[] {
  const scale = 5;
  const k = xy.length >> 1;
  // C's (int) casts truncate toward zero.
  const x = Array.from({ length: k + 1 }, (_, j) => Math.trunc(scale * xy[(j % k) * 2]! + 0.5));
  const y = Array.from({ length: k + 1 }, (_, j) => Math.trunc(scale * xy[(j % k) * 2 + 1]! + 0.5));
  const u: number[] = [];
  const v: number[] = [];
  for (let j = 0; j < k; j++) {
    let xs = x[j]!;
    let xe = x[j + 1]!;
    let ys = y[j]!;
    let ye = y[j + 1]!;
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) [xs, xe, ys, ye] = [xe, xs, ye, ys];
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u.push(t + xs);
        v.push(Math.trunc(ys + s * t + 0.5));
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v.push(t + ys);
        u.push(Math.trunc(xs + s * t + 0.5));
      }
    }
  }
  const a: number[] = [];
  for (let j = 1; j < u.length; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j]! < u[j - 1]! ? u[j]! : u[j]! - 1;
    xd = (xd + 0.5) / scale - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > width - 1) continue;
    let yd = v[j]! < v[j - 1]! ? v[j]! : v[j - 1]!;
    yd = (yd + 0.5) / scale - 0.5;
    yd = Math.ceil(yd < 0 ? 0 : yd > height ? height : yd);
    a.push(xd * height + yd);
  }
  a.push(height * width);
  a.sort((p, q) => p - q);
  let previous = 0;
  for (let j = 0; j < a.length; j++) {
    const t = a[j]!;
    a[j] = t - previous;
    previous = t;
  }
  // A zero-length run (a boundary point met twice) cancels: fold the next run into the last one.
  const b = [a[0]!];
  for (let j = 1; j < a.length; ) {
    if (a[j]! > 0) b.push(a[j++]!);
    else {
      j++;
      if (j < a.length) b[b.length - 1] = b[b.length - 1]! + a[j++]!;
    }
  }
  return b;
}
