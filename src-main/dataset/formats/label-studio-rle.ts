// Label Studio's brush RLE, as label-studio-converter's brush.py (encode_rle, after thi.ng's
// rle-pack) writes it: a bit stream of a 32-bit value count, the word size less one (5 bits),
// four run-length field widths less one (4 bits each: 3, 4, 8, 16), then per run either
// `1 ii len-1 value` (a repeated value, len-1 in the width indexed by ii) or `0 00 000 value`
// (a single value), padded with 1..8 zero bits to whole bytes. The values are the mask's RGBA
// image flattened row by row, 255 where the label is and 0 elsewhere, in all four channels.

const RLE_SIZES = [3, 4, 8, 16] as const;
const WORD_SIZE = 8;

class BitWriter {
  private bytes: number[] = [];
  private current = 0;
  private filled = 0;

  write(value: number, bits: number): void {
    for (let b = bits - 1; b >= 0; b--) {
      this.current = (this.current << 1) | (Math.floor(value / 2 ** b) & 1);
      if (++this.filled === 8) {
        this.bytes.push(this.current);
        this.current = 0;
        this.filled = 0;
      }
    }
  }

  /** brush.py pads with `8 - len % 8` zeros: a whole zero byte when already aligned. */
  finish(): number[] {
    this.write(0, 8 - this.filled);
    return this.bytes;
  }
}

function writeRun(out: BitWriter, length: number, value: number): void {
  if (length === 1) {
    out.write(0, 1);
    out.write(0, 2);
    out.write(0, 3);
    out.write(value, WORD_SIZE);
    return;
  }
  const index = length <= 8 ? 0 : length <= 16 ? 1 : length <= 256 ? 2 : 3;
  let rest = length;
  if (index === 3) {
    // Runs longer than 2^16 are split into 2^16-long pieces.
    while (rest > 2 ** 16) {
      out.write(1, 1);
      out.write(3, 2);
      out.write(2 ** 16 - 1, 16);
      out.write(value, WORD_SIZE);
      rest -= 2 ** 16;
    }
  }
  out.write(1, 1);
  out.write(index, 2);
  out.write(rest - 1, RLE_SIZES[index]!);
  out.write(value, WORD_SIZE);
}

/** The brush RLE of `labels === cls` (row-major) as Label Studio's RGBA layer. */
export function brushRle(labels: Uint8Array, cls: number): number[] {
  const out = new BitWriter();
  out.write(labels.length * 4, 32);
  out.write(WORD_SIZE - 1, 5);
  for (const size of RLE_SIZES) out.write(size - 1, 4);
  // Each pixel is four equal values, so a run of n pixels is one run of 4n values.
  let i = 0;
  while (i < labels.length) {
    const on = labels[i] === cls;
    let j = i + 1;
    while (j < labels.length && (labels[j] === cls) === on) j++;
    writeRun(out, (j - i) * 4, on ? 255 : 0);
    i = j;
  }
  return out.finish();
}
