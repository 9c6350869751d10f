// The eraser: the brush's footprint, painting background whatever class is picked.
import { defineTool } from './tool';
import { strokeHandlers } from './stroke';

export const eraserTool = defineTool({
  id: 'eraser',
  label: 'Eraser',
  description: 'Eraser (paints background)',
  shortcut: 'e',
  icon: [{ d: 'M12 5a7 7 0 1 0 0 14a7 7 0 1 0 0-14z' }],
  options: ['size', 'lock'],
  ring: true,
  paintsClass: false,
  ...strokeHandlers(true),
});
