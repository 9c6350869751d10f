// The round brush: paints the current class where the ring passes (see ops/brush.ts).
import { defineTool } from './tool';
import { strokeHandlers } from './stroke';

export const brushTool = defineTool({
  id: 'brush',
  label: 'Brush',
  description: 'Brush',
  shortcut: 'b',
  icon: [{ d: 'M12 5a7 7 0 1 0 0 14a7 7 0 1 0 0-14z', fill: true }],
  options: ['size', 'lock'],
  ring: true,
  paintsClass: true,
  ...strokeHandlers(false),
});
