// Decoders written from the formats' published definitions, independent of the studio's
// encoders (src-main/dataset/formats/), so that a shared misreading cannot hide itself.

/**
 * pycocotools maskApi.c rleFrString, transcribed statement by statement (C's 32-bit-safe ints
 * suffice for these test masks):
 *   while( s[p] ) { x=0; k=0; more=1;
 *     while( more ) { char c=s[p]-48; x |= (c & 0x1f) << 5*k; more = c & 0x20; p++; k++;
 *       if(!more && (c & 0x10)) x |= -1 << 5*k; }
 *     if(m>2) x+=(long) cnts[m-2]; cnts[m++]=(uint) x; }
 */
export function specRleFrString(s: string): number[] {
  const cnts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = 1;
    while (more) {
      const c = s.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = c & 0x20;
      p++;
      k++;
      if (!more && c & 0x10) x |= -1 << (5 * k);
    }
    if (cnts.length > 2) x += cnts[cnts.length - 2]!;
    cnts.push(x);
  }
  return cnts;
}

/**
 * maskApi.c rleDecode: runs alternate 0,1,0,... over the mask in column-major order
 * (M[x*h + y]); returned here row-major (index y*w + x) as 0/1.
 */
export function specRleDecode(counts: number[], h: number, w: number): Uint8Array {
  const columnMajor = new Uint8Array(h * w);
  let j = 0;
  let v = 0;
  for (const n of counts) {
    for (let k = 0; k < n; k++) columnMajor[j++] = v;
    v = 1 - v;
  }
  if (j !== h * w) throw new Error(`counts cover ${j} pixels, not ${h * w}`);
  const rowMajor = new Uint8Array(h * w);
  for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) rowMajor[y * w + x] = columnMajor[x * h + y]!;
  return rowMajor;
}

/**
 * label-studio-converter brush.py decode_rle: bytes → bit string → InputStream reads
 * num(32), word_size(5)+1, rle_sizes 4 x (4)+1, then per run x(1), j = i + 1 + read(rle_sizes[read(2)]),
 * and either one value filling i..j (x=1) or j-i single values (x=0).
 */
export function specBrushDecode(rle: number[]): Uint8Array {
  let bits = '';
  for (let i = 0; i < rle.length * 8; i++) bits += String((rle[Math.floor(i / 8)]! >> (7 - (i % 8))) & 1);
  let pos = 0;
  const read = (size: number): number => {
    const out = bits.slice(pos, pos + size);
    pos += size;
    return Number.parseInt(out, 2);
  };
  const num = read(32);
  const wordSize = read(5) + 1;
  const rleSizes = [read(4) + 1, read(4) + 1, read(4) + 1, read(4) + 1];
  const out = new Uint8Array(num);
  let i = 0;
  while (i < num) {
    const x = read(1);
    const j = i + 1 + read(rleSizes[read(2)]!);
    if (x) {
      out.fill(read(wordSize), i, j);
      i = j;
    } else {
      while (i < j) out[i++] = read(wordSize);
    }
  }
  return out;
}

/**
 * Datumaro parse_label_map (CVAT's labelmap.txt): strip each line, skip empty and `#` lines,
 * split on ':' into name, colour ("r,g,b" or empty), parts, actions.
 */
export function specParseLabelmap(text: string): { name: string; color: [number, number, number] | null }[] {
  const out: { name: string; color: [number, number, number] | null }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line[0] === '#') continue;
    const desc = line.split(':');
    const color = desc.length > 1 && desc[1]!.length !== 0 ? (desc[1]!.split(',').map((c) => Number.parseInt(c, 10)) as [number, number, number]) : null;
    out.push({ name: desc[0]!, color });
  }
  return out;
}
