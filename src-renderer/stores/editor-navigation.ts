// Moving through the gallery selection from the editor, and the image's status and training flag.
import type { Ref } from 'vue';
import type { ImageItem, ImageStatus } from '@contract/project';
import { useApi } from '../api/use-api';
import { errorMessage } from '../lib/error-message';
import { useGalleryStore } from './gallery';

export function useEditorNavigation(io: {
  item: Ref<ImageItem | null>;
  notice: Ref<string | null>;
  open(id: number): Promise<void>;
  flush(): Promise<void>;
}) {
  const { item, notice } = io;

  // Navigation steps run one after another, so pressing '.' three times moves three images.
  let navigation: Promise<void> = Promise.resolve();

  function go(delta: number): Promise<void> {
    navigation = navigation.then(async () => {
      const it = item.value;
      if (!it) return;
      const next = await useGalleryStore().neighbour(it.id, delta);
      if (next) return io.open(next.id);
      const gallery = useGalleryStore();
      if (gallery.indexOf(it.id) < 0) notice.value = 'This image is not in the gallery selection any more (check the gallery filters).';
      else notice.value = delta > 0 ? 'This is the last image of the gallery selection.' : 'This is the first image of the gallery selection.';
    });
    return navigation;
  }

  async function setStatus(status: ImageStatus): Promise<void> {
    const it = item.value;
    if (!it) return;
    await io.flush();
    try {
      const updated = await useApi().call('images.setStatus', { id: it.id, status });
      if (item.value?.id === updated.id) item.value = updated;
      useGalleryStore().updateItem(updated);
    } catch (e) {
      notice.value = `Status not changed: ${errorMessage(e)}`;
    }
  }

  async function toggleTraining(): Promise<void> {
    const it = item.value;
    if (!it) return;
    try {
      const updated = await useApi().call('images.setTraining', { id: it.id, inTraining: !it.inTraining });
      if (item.value?.id === updated.id) item.value = updated;
      useGalleryStore().updateItem(updated);
    } catch (e) {
      notice.value = `Training set not changed: ${errorMessage(e)}`;
    }
  }

  return { go, setStatus, toggleTraining };
}
