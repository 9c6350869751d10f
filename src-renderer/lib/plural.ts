// "1 image", "2 images", "1,024 images": a count with its noun in the right number.

export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? noun : nouns}`;
}
