// The encoder table: one entry per trunk; `getEncoder` fails with the valid names.
import { efficientnetb0 } from './efficientnetb0';
import { mobilenetv2 } from './mobilenetv2';
import { mobilenetv1, mobilenetv1Face } from './mobilenetv1-face';
import { resnet50 } from './resnet50';
import type { EncoderDef } from './types';

export const encoders: Record<string, EncoderDef> = {
  resnet50,
  efficientnetb0,
  mobilenetv2,
  mobilenetv1,
  'mobilenetv1-face': mobilenetv1Face,
};

export function getEncoder(name: string): EncoderDef {
  const def = encoders[name];
  if (!def) throw new Error(`unknown encoder "${name}"; valid: ${Object.keys(encoders).join(', ')}`);
  return def;
}

export type { EncoderDef, EncoderFeatures } from './types';
