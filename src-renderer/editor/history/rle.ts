// Run-length coding for history snapshots. Label rectangles are long runs of one class, so a
// full 2048x2048 before/after pair shrinks from 8 MB to a few KB and 200+ steps stay cheap.
// Format: pairs of (value, run length - 1), runs of at most 256.

export function rleEncode(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const v = bytes[i]!;
    let run = 1;
    while (run < 256 && i + run < bytes.length && bytes[i + run] === v) run++;
    out.push(v, run - 1);
    i += run;
  }
  return Uint8Array.from(out);
}

export function rleDecode(encoded: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (let k = 0; k + 1 < encoded.length; k += 2) {
    const run = encoded[k + 1]! + 1;
    if (at + run > length) throw new Error(`run-length data overflows ${length} bytes`);
    out.fill(encoded[k]!, at, at + run);
    at += run;
  }
  if (at !== length) throw new Error(`run-length data holds ${at} bytes, expected ${length}`);
  return out;
}
